# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by ecs_task_definition and ecs_service: ECS tag format, tag updates and small normalisers."""

from __future__ import annotations

from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import compare_tags


class ECSModuleError(Exception):
    """A failure the module reports with fail_json (message only, no AWS exception)."""

    def __init__(self, message, **kwargs):
        super().__init__(message)
        self.message = message
        self.kwargs = kwargs


def ecs_tags_to_dict(tags):
    """ECS tag list ([{key, value}]) -> dict."""
    return {tag["key"]: tag.get("value", "") for tag in (tags or [])}


def dict_to_ecs_tags(tags):
    """dict -> ECS tag list ([{key, value}]), sorted by key."""
    return [{"key": str(key), "value": str(value)} for key, value in sorted((tags or {}).items())]


def ensure_ecs_tags(client, check_mode, resource_arn, current_tags, tags, purge_tags):
    """Bring the tags of `resource_arn` to `tags` (None: leave them alone). Returns (changed, resulting tags)."""
    current_tags = dict(current_tags or {})
    if tags is None:
        return False, current_tags
    to_set, to_remove = compare_tags(current_tags, tags, purge_tags=purge_tags)
    if not to_set and not to_remove:
        return False, current_tags
    result = {k: v for k, v in current_tags.items() if k not in to_remove}
    result.update(to_set)
    if check_mode:
        return True, result
    if to_remove:
        client.untag_resource(resourceArn=resource_arn, tagKeys=list(to_remove), aws_retry=True)
    if to_set:
        client.tag_resource(resourceArn=resource_arn, tags=dict_to_ecs_tags(to_set), aws_retry=True)
    return True, result


def prune_empty(value):
    """Drop None values, empty lists and empty dicts, recursively (AWS omits them or reports them empty)."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = prune_empty(item)
            if item is None or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [prune_empty(item) for item in value]
    return value
