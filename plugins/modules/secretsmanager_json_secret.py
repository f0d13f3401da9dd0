# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: secretsmanager_json_secret
version_added: 0.2.0
short_description: Manage a Secrets Manager secret whose value is a JSON object of keys
description:
  - Creates, updates, restores or deletes one AWS Secrets Manager secret whose value is a JSON object
    (a JSON object of string keys and values), and manages that object key by key.
  - Fixed keys come from O(values). Keys listed in O(generate) are given a random value, made on the controller with
    Python's C(secrets) module, B(only when the secret does not hold that key yet); a re-run never rotates them.
    Keys that exist in AWS but are not given are kept unless O(purge_values=true), so several callers can each own
    some keys of one secret (for example a role that adds C(DATABASE_URL) to an application secret).
  - This module exists because C(community.aws.secretsmanager_secret) (C(amazon.aws) has no module for secrets) takes
    the whole value. It cannot generate a value once and keep it, nor merge keys, and giving it a freshly generated
    value would rotate the secret on every run.
  - A new version (PutSecretValue) is written only when the merged JSON object differs from the current one.
  - The diff lists key names with a marker (V((unchanged\)), V((changed\)), V((added\)), V((generated\)),
    V((removed\))) and never shows a value. Values are only returned with O(return_values=true).
  - A secret that is scheduled for deletion is restored (RestoreSecret) by O(state=present).
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Whether the secret should exist (V(present)) or be deleted (V(absent)).
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The name of the secret, for example C(prod/whatsapp-platform/api).
    type: str
    required: true
  description:
    description:
      - The description of the secret.
      - When not set, the description of an existing secret is left as it is.
    type: str
  kms_key_id:
    description:
      - The ARN, key ID or alias of the KMS key that encrypts the secret.
      - When not set, AWS uses the managed key C(aws/secretsmanager) for a new secret and the key of an existing secret
        is left as it is.
      - AWS reports the key of an existing secret as an ARN; a key ID or alias matches the ARN that ends with it.
    type: str
  values:
    description:
      - Keys of the JSON object with fixed values. They are set whatever the secret holds.
      - A key cannot be both in O(values) and in O(generate).
    type: dict
    default: {}
  generate:
    description:
      - Keys of the JSON object whose value is generated when (and only when) the secret does not hold the key.
      - A dictionary of key name to generation options; an empty or null value takes the defaults.
      - C(length) (int, default 32), C(exclude_punctuation) (bool, default V(true)),
        C(exclude_uppercase), C(exclude_lowercase), C(exclude_numbers) (bool, default V(false)),
        C(exclude_characters) (str, default empty), C(require_each_included_type) (bool, default V(true)),
        as the options of Secrets Manager's C(GetRandomPassword).
    type: dict
    default: {}
  purge_values:
    description:
      - Remove the keys of the secret that are neither in O(values) nor in O(generate).
      - With V(false), keys present in AWS but not given are kept.
    type: bool
    default: false
  resource_policy:
    description:
      - A resource policy (JSON document or dictionary) for the secret.
      - When not set, the resource policy of an existing secret is left as it is.
    type: json
  recovery_window_in_days:
    description:
      - With O(state=absent), how many days (7-30) the deleted secret can still be restored.
      - V(0) deletes the secret at once (ForceDeleteWithoutRecovery), also one already scheduled for deletion.
    type: int
    default: 7
  owner_tags:
    description:
      - With O(state=absent), delete the secret only when it carries all these tags; otherwise leave it, report no
        change and warn. Used by teardowns so that a secret of another stack with the same name is never deleted.
    type: dict
  return_values:
    description:
      - Return the merged JSON object under RV(values). Put C(no_log) on the task that sets this.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - The value is compared as a JSON object, so re-ordering keys or re-formatting never writes a new version.
  - A secret whose current value is not a JSON object is refused unless O(purge_values=true).
seealso:
  - module: community.aws.secretsmanager_secret
  - name: AWS Secrets Manager
    description: The AWS documentation on Secrets Manager.
    link: https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: An application secret with fixed keys and keys generated once
  stacksmith.aws.secretsmanager_json_secret:
    name: prod/whatsapp-platform/api
    description: API runtime secrets
    values:
      JWT_EXPIRES_IN: 900s
      JWT_REFRESH_EXPIRES_IN: 7d
    generate:
      JWT_SECRET:
        length: 64
      DEFAULT_PASSWORD:
        length: 24
    tags:
      stack: whatsapp-platform-prod
  no_log: true

- name: Add one key to that secret, keeping the others
  stacksmith.aws.secretsmanager_json_secret:
    name: prod/whatsapp-platform/api
    values:
      DATABASE_URL: "{{ database_url }}"
  no_log: true

- name: Read the merged values (for a template); the task hides them
  stacksmith.aws.secretsmanager_json_secret:
    name: prod/whatsapp-platform/rds
    return_values: true
  register: rds_secret
  no_log: true

- name: Delete it, restorable for 7 days, only if it is this stack's
  stacksmith.aws.secretsmanager_json_secret:
    name: prod/whatsapp-platform/api
    state: absent
    recovery_window_in_days: 7
    owner_tags:
      stack: whatsapp-platform-prod
"""

RETURN = r"""
arn:
  description: The ARN of the secret; V(null) when it would be created in check mode or does not exist.
  returned: always
  type: str
  sample: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/whatsapp-platform/api-AbCdEf
name:
  description: The name of the secret.
  returned: always
  type: str
  sample: prod/whatsapp-platform/api
version_id:
  description: The ID of the version labelled C(AWSCURRENT) after the run.
  returned: when the secret exists
  type: str
  sample: 2a9c1b1e-7f43-4bb4-9f5f-3f2c7b0a6a11
keys:
  description: The names of the keys of the JSON object after the run (never the values), sorted.
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["DEFAULT_PASSWORD", "JWT_EXPIRES_IN", "JWT_SECRET"]
description:
  description: The description of the secret.
  returned: when O(state=present)
  type: str
  sample: API runtime secrets
kms_key_id:
  description: The KMS key of the secret, as AWS reports it; absent for the AWS managed key.
  returned: when set
  type: str
  sample: arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
tags:
  description: The tags of the secret.
  returned: when O(state=present)
  type: dict
  sample: {"stack": "whatsapp-platform-prod"}
deleted_date:
  description: When a secret scheduled for deletion will be deleted.
  returned: when O(state=absent) and the secret is scheduled for deletion
  type: str
  sample: "2026-12-02T02:16:54+00:00"
values:
  description:
    - The merged JSON object. Generated keys that would be created in check mode read V((known after apply\)).
  returned: when O(return_values=true) and O(state=present)
  type: dict
  sample: {"JWT_EXPIRES_IN": "900s"}
"""

import json
import secrets
import string
import uuid

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
)

KNOWN_AFTER_APPLY = "(known after apply)"
GENERATE_DEFAULTS = {
    "length": 32,
    "exclude_punctuation": True,
    "exclude_uppercase": False,
    "exclude_lowercase": False,
    "exclude_numbers": False,
    "exclude_characters": "",
    "require_each_included_type": True,
}
# The punctuation GetRandomPassword draws from.
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


class SecretError(Exception):
    """A problem with the module's input or the secret's state that is not an AWS error."""


# ---------------------------------------------------------------------------------------------------------------------
# Pure helpers


def normalize_generate(generate):
    """Returns {key: options with defaults}; raises SecretError for unknown options or bad values."""
    normalized = {}
    for key, options in (generate or {}).items():
        options = options or {}
        if not isinstance(options, dict):
            raise SecretError(f"generate.{key} must be a dictionary of options (or empty), not {options!r}")
        unknown = sorted(set(options) - set(GENERATE_DEFAULTS))
        if unknown:
            raise SecretError(
                f"generate.{key}: unknown option(s) {', '.join(unknown)}; valid: {', '.join(sorted(GENERATE_DEFAULTS))}"
            )
        merged = dict(GENERATE_DEFAULTS)
        merged.update({k: v for k, v in options.items() if v is not None})
        try:
            merged["length"] = int(merged["length"])
        except (TypeError, ValueError):
            raise SecretError(f"generate.{key}.length must be an integer, not {merged['length']!r}") from None
        if not 1 <= merged["length"] <= 4096:
            raise SecretError(f"generate.{key}.length must be between 1 and 4096, not {merged['length']}")
        if not character_classes(merged):
            raise SecretError(f"generate.{key}: every character class is excluded; nothing to generate from")
        normalized[key] = merged
    return normalized


def character_classes(options):
    """The character classes a generated value draws from (each a string), after exclusions."""
    excluded = set(options.get("exclude_characters") or "")
    classes = []
    for flag, chars in (
        ("exclude_uppercase", string.ascii_uppercase),
        ("exclude_lowercase", string.ascii_lowercase),
        ("exclude_numbers", string.digits),
        ("exclude_punctuation", PUNCTUATION),
    ):
        if not options.get(flag):
            kept = "".join(c for c in chars if c not in excluded)
            if kept:
                classes.append(kept)
    return classes


def generate_value(options):
    """A random string made with the secrets module (CSPRNG) according to GetRandomPassword-like options."""
    classes = character_classes(options)
    alphabet = "".join(classes)
    length = options["length"]
    require_each = options.get("require_each_included_type") and length >= len(classes)
    while True:
        value = "".join(secrets.choice(alphabet) for __i in range(length))
        if not require_each or all(any(c in cls for c in value) for cls in classes):
            return value


def parse_secret_string(secret_string, name, purge_values):
    """The current JSON object of the secret ({} when there is no value). Raises SecretError if it is not an object,
    unless purge_values (then the value is replaced as a whole)."""
    if secret_string is None or secret_string == "":
        return {}
    try:
        value = json.loads(secret_string)
    except ValueError:
        value = None
    if isinstance(value, dict):
        return value
    if purge_values:
        return {}
    raise SecretError(
        f"Secret {name} holds a value that is not a JSON object; refusing to overwrite it "
        "(set purge_values=true to replace it)"
    )


def merge_values(current, values, generate, purge_values, make_value=generate_value):
    """Returns (merged object, {key: marker}) where the markers describe the change of each key.

    current: the secret's JSON object, or None when it is unknown (a deleted secret in check mode: every key of
    values is then "(changed)" and every generated key is kept as unknown).
    """
    known = current is not None
    current = dict(current or {})
    merged = {}
    markers = {}
    for key, old in current.items():
        if key in values or key in generate or not purge_values:
            merged[key] = old
            markers[key] = "(unchanged)"
        else:
            markers[key] = "(removed)"
    for key, value in values.items():
        if key not in current:
            markers[key] = "(added)" if known else "(changed)"
        elif current[key] != value:
            markers[key] = "(changed)"
        merged[key] = value
    for key, options in generate.items():
        if key in current:
            continue
        if not known:
            markers[key] = "(unchanged)"
            continue
        merged[key] = make_value(options)
        markers[key] = "(generated)"
    return merged, markers


def kms_key_matches(current, wanted):
    """True when the wanted key (ARN, key ID, alias name or alias ARN) designates the key AWS reports."""
    if not wanted:
        return True
    if not current:
        return wanted in ("alias/aws/secretsmanager",)
    if current == wanted:
        return True
    return current.endswith(":" + wanted) or current.endswith("/" + wanted)


def current_version_id(secret):
    for version_id, stages in (secret.get("VersionIdsToStages") or {}).items():
        if "AWSCURRENT" in stages:
            return version_id
    return None


def policy_text(policy):
    if policy is None:
        return None
    if isinstance(policy, str):
        return policy
    return json.dumps(policy)


def policy_obj(policy):
    if policy is None or isinstance(policy, dict):
        return policy
    try:
        return json.loads(policy)
    except ValueError:
        raise SecretError("resource_policy is not valid JSON") from None


def diff_view(secret, markers, description=None, kms_key_id=None, tags=None, policy=None, deleted=False):
    view = {
        "name": secret,
        "description": description,
        "kms_key_id": kms_key_id,
        "tags": tags or {},
        "values": dict(sorted(markers.items())),
    }
    if policy is not None:
        view["resource_policy"] = policy
    if deleted:
        view["scheduled_for_deletion"] = True
    return view


# ---------------------------------------------------------------------------------------------------------------------
# AWS calls


def describe_secret(client, name):
    try:
        return client.describe_secret(aws_retry=True, SecretId=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def get_secret_string(client, name):
    try:
        response = client.get_secret_value(aws_retry=True, SecretId=name)
    except is_boto3_error_code("ResourceNotFoundException"):
        return None  # a secret created without a value has no AWSCURRENT version
    return response.get("SecretString")


def get_resource_policy(client, name):
    response = client.get_resource_policy(aws_retry=True, SecretId=name)
    return response.get("ResourcePolicy")


# ---------------------------------------------------------------------------------------------------------------------
# States


def ensure_present(client, module):
    params = module.params
    name = params["name"]
    values = params["values"] or {}
    generate = normalize_generate(params["generate"])
    both = sorted(set(values) & set(generate))
    if both:
        raise SecretError(f"key(s) {', '.join(both)} are in both values and generate; give each key in one of them")
    wanted_policy = policy_obj(params["resource_policy"])
    check = module.check_mode

    existing = describe_secret(client, name)
    if existing is None:
        merged, markers = merge_values({}, values, generate, params["purge_values"])
        tags = params["tags"] or {}
        after = diff_view(name, markers, params["description"] or "", params["kms_key_id"], tags, wanted_policy)
        result = {
            "changed": True,
            "arn": None,
            "name": name,
            "version_id": None,
            "keys": sorted(merged),
            "description": params["description"] or "",
            "tags": tags,
            "diff": {"before": {}, "after": after},
        }
        if params["kms_key_id"]:
            result["kms_key_id"] = params["kms_key_id"]
        if check:
            if params["return_values"]:
                result["values"] = {k: (KNOWN_AFTER_APPLY if k in generate else v) for k, v in merged.items()}
            return result
        request = {"Name": name, "SecretString": json.dumps(merged), "ClientRequestToken": str(uuid.uuid4())}
        if params["description"]:
            request["Description"] = params["description"]
        if params["kms_key_id"]:
            request["KmsKeyId"] = params["kms_key_id"]
        if tags:
            request["Tags"] = boto3_tag_list(tags)
        created = client.create_secret(aws_retry=True, **request)
        if wanted_policy:
            client.put_resource_policy(
                aws_retry=True, SecretId=created["ARN"], ResourcePolicy=policy_text(wanted_policy)
            )
        result.update(arn=created["ARN"], version_id=created.get("VersionId"))
        if params["return_values"]:
            result["values"] = merged
        return result

    changed = False
    arn = existing["ARN"]
    deleted = bool(existing.get("DeletedDate"))
    current_tags = boto3_tag_list_to_ansible_dict(existing.get("Tags") or [])
    current_description = existing.get("Description", "")
    current_kms = existing.get("KmsKeyId")

    # 1. A secret scheduled for deletion is restored first: its value cannot be read before.
    if deleted:
        changed = True
        if not check:
            client.restore_secret(aws_retry=True, SecretId=arn)
            deleted = False

    # 2. The value.
    if deleted:  # check mode: the value of a deleted secret cannot be read
        current_values = None
    else:
        current_values = parse_secret_string(get_secret_string(client, arn), name, params["purge_values"])
    merged, markers = merge_values(current_values, values, generate, params["purge_values"])
    before_markers = {k: "(unchanged)" if markers.get(k) == "(unchanged)" else "(set)" for k in (current_values or {})}
    version_id = current_version_id(existing)
    value_changed = current_values is None or merged != current_values
    if current_values is None:
        value_changed = any(m != "(unchanged)" for m in markers.values())
    if value_changed:
        changed = True
        if not check:
            response = client.put_secret_value(
                aws_retry=True,
                SecretId=arn,
                SecretString=json.dumps(merged),
                ClientRequestToken=str(uuid.uuid4()),
            )
            version_id = response.get("VersionId", version_id)

    # 3. Description and KMS key (one UpdateSecret).
    update = {}
    description = current_description
    if params["description"] is not None and params["description"] != current_description:
        update["Description"] = description = params["description"]
    kms_key_id = current_kms
    if params["kms_key_id"] and not kms_key_matches(current_kms, params["kms_key_id"]):
        update["KmsKeyId"] = kms_key_id = params["kms_key_id"]
    if update:
        changed = True
        if not check:
            client.update_secret(aws_retry=True, SecretId=arn, **update)

    # 4. Resource policy (only when given).
    before_policy = after_policy = None
    if wanted_policy is not None:
        current_policy = None if deleted else get_resource_policy(client, arn)
        before_policy = policy_obj(current_policy) if current_policy else {}
        after_policy = wanted_policy
        if not wanted_policy and current_policy:
            changed = True
            if not check:
                client.delete_resource_policy(aws_retry=True, SecretId=arn)
        elif wanted_policy and (not current_policy or compare_policies(before_policy, wanted_policy)):
            changed = True
            if not check:
                client.put_resource_policy(aws_retry=True, SecretId=arn, ResourcePolicy=policy_text(wanted_policy))

    # 5. Tags.
    tags = dict(current_tags)
    if params["tags"] is not None:
        to_set, to_unset = compare_tags(current_tags, params["tags"], purge_tags=params["purge_tags"])
        if to_unset:
            changed = True
            for key in to_unset:
                tags.pop(key, None)
            if not check:
                client.untag_resource(aws_retry=True, SecretId=arn, TagKeys=to_unset)
        if to_set:
            changed = True
            tags.update(to_set)
            if not check:
                client.tag_resource(aws_retry=True, SecretId=arn, Tags=boto3_tag_list(to_set))

    after_keys = sorted(k for k, m in markers.items() if m != "(removed)")
    result = {
        "changed": changed,
        "arn": arn,
        "name": existing.get("Name", name),
        "version_id": version_id,
        "keys": after_keys,
        "description": description,
        "tags": tags,
        "diff": {
            "before": diff_view(
                name,
                before_markers,
                current_description,
                current_kms,
                current_tags,
                before_policy,
                deleted=bool(existing.get("DeletedDate")),
            ),
            "after": diff_view(name, markers, description, kms_key_id, tags, after_policy),
        },
    }
    if kms_key_id:
        result["kms_key_id"] = kms_key_id
    if params["return_values"]:
        if current_values is None:
            result["values"] = {k: KNOWN_AFTER_APPLY for k in after_keys}
            result["values"].update(values)
        else:
            result["values"] = merged
    return result


def ensure_absent(client, module):
    params = module.params
    name = params["name"]
    window = params["recovery_window_in_days"]
    existing = describe_secret(client, name)
    result = {"changed": False, "arn": None, "name": name, "diff": {"before": {}, "after": {}}}
    if existing is None:
        return result

    arn = existing["ARN"]
    result["arn"] = arn
    current_tags = boto3_tag_list_to_ansible_dict(existing.get("Tags") or [])
    owner_tags = params["owner_tags"] or {}
    foreign = {k: v for k, v in owner_tags.items() if current_tags.get(k) != str(v)}
    if foreign:
        module.warn(
            f"Secret {name} is not deleted: it does not carry the owner tags "
            f"{', '.join(f'{k}={v}' for k, v in sorted(foreign.items()))}"
        )
        return result

    before = {"name": name, "tags": current_tags, "scheduled_for_deletion": bool(existing.get("DeletedDate"))}
    if existing.get("DeletedDate") and window != 0:
        result["deleted_date"] = existing["DeletedDate"]
        result["diff"] = {"before": before, "after": before}
        return result

    result["changed"] = True
    result["diff"] = {"before": before, "after": {}}
    if module.check_mode:
        return result
    if window == 0:
        response = client.delete_secret(aws_retry=True, SecretId=arn, ForceDeleteWithoutRecovery=True)
    else:
        response = client.delete_secret(aws_retry=True, SecretId=arn, RecoveryWindowInDays=window)
    if response.get("DeletionDate"):
        result["deleted_date"] = response["DeletionDate"]
    return result


def masked_module_args(params):
    """The module arguments as the result's invocation shows them: the keys of values, never their values."""
    args = dict(params)
    args["values"] = {key: "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" for key in params.get("values") or {}}
    return args


def unmask_fixed_values(module):
    """Stops AnsibleModule from masking the fixed values of O(values) inside the result.

    The values are no_log so that they are never logged; but AnsibleModule replaces every occurrence of a no_log
    value, as a substring, in the whole result: a fixed value such as C(app) or C(7d) would garble the secret's name,
    ARN or version id. The result never holds a fixed value (keys only, unless return_values, whose task hides its
    result with no_log), and the invocation is given with the values replaced (masked_module_args)."""
    module.no_log_values.difference_update(leaf_strings(module.params.get("values")))


def leaf_strings(obj):
    """The strings AnsibleModule derives from a no_log value (non-empty strings and numbers, recursively)."""
    if isinstance(obj, dict):
        return set().union(*(leaf_strings(v) for v in obj.values())) if obj else set()
    if isinstance(obj, (list, tuple)):
        return set().union(*(leaf_strings(v) for v in obj)) if obj else set()
    if obj is None or isinstance(obj, bool) or obj == "":
        return set()
    return {str(obj)}


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "description": {"type": "str"},
        "kms_key_id": {"type": "str"},
        "values": {"type": "dict", "default": {}, "no_log": True},
        "generate": {"type": "dict", "default": {}},
        "purge_values": {"type": "bool", "default": False},
        "resource_policy": {"type": "json"},
        "recovery_window_in_days": {"type": "int", "default": 7},
        "owner_tags": {"type": "dict"},
        "return_values": {"type": "bool", "default": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    window = module.params["recovery_window_in_days"]
    if window != 0 and not 7 <= window <= 30:
        module.fail_json(msg=f"recovery_window_in_days must be 0 or between 7 and 30, not {window}")

    client = module.client("secretsmanager", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module)
        else:
            result = ensure_absent(client, module)
    except SecretError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage secret {module.params['name']}")

    diff = result.pop("diff")
    values = result.pop("values", None)
    tags = result.pop("tags", None)
    result = camel_dict_to_snake_dict(result)
    if tags is not None:
        result["tags"] = tags
    if values is not None:
        result["values"] = values
    if module._diff:
        result["diff"] = diff
    result["invocation"] = {"module_args": masked_module_args(module.params)}
    unmask_fixed_values(module)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
