# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one tagging helper of stacksmith.aws: tag comparisons and tag lists in a deterministic order.

amazon.aws ``compare_aws_tags`` builds its "tags to set" from ``set(new_tags) - set(to_unset)``, so the order of
the tags in a TagResource request follows Python's per-process string hashing (PYTHONHASHSEED): the same run sends
the same tags in a different order from one process to the next. AWS does not care, but a request that is not
deterministic cannot be checked by a botocore Stubber, logged and compared, or diffed. Every module of this
collection compares and lists tags through these functions instead: tags to set sorted by key, keys to unset
sorted, tag lists sorted by key.
"""

from __future__ import annotations

from ansible.module_utils.common.text.converters import to_text
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)


def sorted_tags(tags: dict | None) -> dict:
    """The same tags as a dict whose keys are in sorted order."""
    return {key: (tags or {})[key] for key in sorted(tags or {})}


def compare_tags(current: dict | None, wanted: dict | None, purge_tags: bool = True) -> tuple[dict, list]:
    """``compare_aws_tags`` in a deterministic order: (tags to set, sorted by key; tag keys to unset, sorted).

    Tag keys starting with ``aws:`` are never unset (AWS reserves them)."""
    to_set, to_unset = compare_aws_tags(dict(current or {}), dict(wanted or {}), purge_tags=purge_tags)
    return sorted_tags(to_set), sorted(to_unset)


def updated_tags(current: dict | None, wanted: dict | None, purge_tags: bool = True) -> dict:
    """The tags a resource ends up with once ``wanted``/``purge_tags`` are applied (``wanted`` None: unchanged),
    sorted by key."""
    current = dict(current or {})
    if wanted is None:
        return sorted_tags(current)
    to_set, to_unset = compare_tags(current, wanted, purge_tags=purge_tags)
    result = {key: value for key, value in current.items() if key not in to_unset}
    result.update(to_set)
    return sorted_tags(result)


def described_tags(resource: dict) -> dict:
    """The tags of a describe item (its ``Tags`` list, as EC2 and most APIs return it) as a dict sorted by key."""
    return sorted_tags(boto3_tag_list_to_ansible_dict(resource.get("Tags") or []))


def boto3_tag_list(tags: dict | None, key_name: str = "Key", value_name: str = "Value") -> list[dict]:
    """dict -> the AWS tag list (``[{Key, Value}]``, or the service's own key names), sorted by key."""
    return [{key_name: to_text(key), value_name: to_text(value)} for key, value in sorted((tags or {}).items())]


def ensure_ec2_tags(
    client, check_mode: bool, resource_id: str, current_tags: dict | None, tags: dict | None, purge_tags: bool = True
) -> bool:
    """Brings the tags of an EC2 resource from ``current_tags`` (as the describe call returned them) to ``tags``
    (None: leave them alone) with one DeleteTags and one CreateTags at most, each in sorted order. Returns whether
    anything changed; in check mode it calls nothing. Unlike amazon.aws ``ensure_ec2_tags`` it does not read the tags
    again with DescribeTags (the caller's describe returned them) and its requests do not depend on hash order.
    The client carries the retry decorator (``aws_retry=True``)."""
    if tags is None:
        return False
    to_set, to_unset = compare_tags(current_tags, tags, purge_tags=purge_tags)
    if not to_set and not to_unset:
        return False
    if check_mode:
        return True
    if to_unset:
        client.delete_tags(aws_retry=True, Resources=[resource_id], Tags=[{"Key": key} for key in to_unset])
    if to_set:
        client.create_tags(aws_retry=True, Resources=[resource_id], Tags=boto3_tag_list(to_set))
    return True
