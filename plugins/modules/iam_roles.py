# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: iam_roles
version_added: 0.4.0
short_description: Manage a set of IAM roles (trust, managed and inline policies, tags) in one call
description:
  - Creates, updates and deletes IAM roles, given as a list (O(config)), in one task, each with its trust policy,
    its attached managed policies, its inline policies, its description, its maximum session duration and its tags.
  - Replaces a C(loop:) of M(amazon.aws.iam_role) followed by a C(loop:) of M(amazon.aws.iam_policy). Those modules
    converge one role, or one role's inline policy, per task, so a stack with four roles pays eight Python processes
    (about 0.4 s each) for a few dozen API calls of a few milliseconds. M(amazon.aws.iam_role) also prints
    deprecation warnings on every run (C(assume_role_policy_document_raw), C(delete_instance_profile)) and cannot
    remove the roles a stack no longer lists.
  - This module reads the listed roles concurrently (C(GetRole), C(ListAttachedRolePolicies), C(ListRolePolicies),
    then C(GetRolePolicy) for each inline policy) and converges the set with the states of Ansible's network resource
    modules (O(state)). Policies are compared as policies (statement order, single values and lists, the default
    C(Version)), not as text, so a second run with the same input makes no write call.
  - The path of a role cannot be changed; a listed role that exists under another path fails, naming the role and
    both paths, before any write.
  - IAM is eventually consistent; the attach and put calls that follow the creation of a role retry C(NoSuchEntity).
    A create that IAM committed but whose answer was lost (the retry answers C(EntityAlreadyExists)) is not an error;
    the role is read again and converged.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  config:
    description:
      - The roles, each named once.
      - With O(state=deleted), an empty list means every role under O(path) that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The name of the role. It identifies the role (IAM role names are unique in an account).
        type: str
        required: true
      description:
        description:
          - The description of the role. When not set, a new role has none and the description of an existing role
            is left as it is; V("") removes it.
        type: str
      assume_role_policy:
        description:
          - The trust policy (who may assume the role), as a dictionary (a JSON string is accepted).
          - Required to create the role. When not set, the trust policy of an existing role is left as it is.
        type: dict
      managed_policy_arns:
        description:
          - The ARNs of the managed policies attached to the role.
          - With O(state=merged), missing ones are attached and others stay attached. With O(state=replaced) and
            O(state=overridden), the policies not listed are detached (all of them when this is not set).
        type: list
        elements: str
      inline_policies:
        description:
          - The inline policies of the role, policy name to policy document (a dictionary, or a JSON string).
          - With O(state=merged), missing or different ones are put and others stay. With O(state=replaced) and
            O(state=overridden), the inline policies not listed are deleted (all of them when this is not set).
        type: dict
      max_session_duration:
        description:
          - The maximum session duration of the role, in seconds, from 3600 to 43200.
          - When not set, a new role gets the AWS default (3600) and the setting of an existing role is left as it is.
        type: int
      tags:
        description:
          - Tags of this role only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing roles and updates the listed ones; managed policies, inline policies and tags
        not named are kept.
      - V(replaced) makes every listed role exactly as described (managed policies, inline policies and tags not
        named are removed); unlisted roles are left alone.
      - V(overridden) is V(replaced), and deletes every role under O(path) that carries the O(owner_tags) and is no
        longer listed. Roles without the owner tags are never touched.
      - V(deleted) deletes the listed roles (every owned role under O(path) when O(config) is empty). A listed role
        that exists without the O(owner_tags) is refused before anything is deleted. Deleting a role detaches its
        managed policies, deletes its inline policies and removes it from its instance profiles first.
      - V(gathered) only reads, and returns every owned role under O(path) in the O(config) format.
      - V(rendered) makes no AWS call and returns the C(CreateRole), C(AttachRolePolicy) and C(PutRolePolicy)
        requests the listed roles would be created with.
      - V(replaced) and V(overridden) refuse to rewrite a listed role that does not carry the O(owner_tags).
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  path:
    description:
      - The IAM path of every role of the set, for example V(/) or V(/shop-prod/). It must begin and end with C(/).
      - O(state=overridden), O(state=gathered) and an empty O(state=deleted) consider only the roles whose path is
        exactly this one.
    type: str
    default: /
  tags:
    description:
      - Tags every role carries (the stack's common tags). Each role gets these, then its own O(config[].tags). No
        C(Name) tag is added, since an IAM role is named by its role name.
      - Include the O(owner_tags) here, or the roles created will not be owned.
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a role as belonging to this set. Only roles carrying all of them (with these values) are
        deleted by O(state=overridden) and O(state=deleted), rewritten by O(state=replaced), or returned by
        O(state=gathered).
      - When empty, no role is owned.
    type: dict
    default: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Reads run concurrently (a small thread pool). Writes are sent one after the other, in O(config) order (for a
    role, the trust policy, C(UpdateRole), attaches, inline policies, detaches, inline deletes, untag, tag), then the
    deletes in name order, so the requests of a run are deterministic (tags sorted by key, policy names sorted).
  - Instance profiles are not created; a deleted role is removed from the instance profiles that hold it, and the
    instance profiles are left in place.
  - Permissions boundaries are not managed.
seealso:
  - module: amazon.aws.iam_role
  - module: amazon.aws.iam_policy
  - module: amazon.aws.iam_role_info
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Converge the IAM roles of a stack (policies and tags not named are removed)
  stacksmith.aws.iam_roles:
    tags: {stack: shop-prod, managed-by: stacksmith, environment: prod}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - name: shop-prod-ecs-execution
        description: ECS task execution role
        assume_role_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ecs-tasks.amazonaws.com}
              Action: sts:AssumeRole
        managed_policy_arns:
          - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
        inline_policies:
          shop-prod-ecs-execution-secrets:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-prod/*
      - name: shop-prod-flow-logs
        assume_role_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: vpc-flow-logs.amazonaws.com}
              Action: sts:AssumeRole
        max_session_duration: 3600
  register: roles

- name: Use a role ARN by name
  ansible.builtin.debug:
    msg: "{{ roles.role_arns['shop-prod-ecs-execution'] }}"

- name: Delete the stack's roles that the list no longer names (never another stack's)
  stacksmith.aws.iam_roles:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: overridden
    config:
      - name: shop-prod-ecs-execution
        assume_role_policy: "{{ ecs_trust }}"

- name: Read the stack's roles
  stacksmith.aws.iam_roles:
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: gathered
  register: gathered

- name: Preview the create requests
  stacksmith.aws.iam_roles:
    state: rendered
    tags: {stack: shop-prod}
    config:
      - name: shop-prod-ecs-execution
        assume_role_policy: "{{ ecs_trust }}"
        managed_policy_arns: [arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy]

- name: Delete every role of the stack
  stacksmith.aws.iam_roles:
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: deleted
"""

RETURN = r"""
roles:
  description:
    - The listed roles as they now are (as they would be, in check mode), in O(config) order.
    - With O(state=gathered), every owned role under O(path), sorted by name.
    - With O(state=rendered), the roles the requests would create. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name of the role.
      type: str
      returned: always
      sample: shop-prod-ecs-execution
    arn:
      description: The ARN of the role; V(null) for a role that would be created (check mode, V(rendered)).
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:role/shop-prod-ecs-execution
    role_id:
      description: The unique ID of the role; V(null) for a role that would be created.
      type: str
      returned: always
      sample: AROAEXAMPLEEXAMPLE0001
    path:
      description: The IAM path of the role.
      type: str
      returned: always
      sample: /
    description:
      description: The description of the role (V("") when it has none).
      type: str
      returned: always
      sample: ECS task execution role
    max_session_duration:
      description: The maximum session duration, in seconds.
      type: int
      returned: always
      sample: 3600
    assume_role_policy:
      description: The trust policy (parsed JSON).
      type: dict
      returned: always
      sample: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
               "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
    managed_policy_arns:
      description: The ARNs of the attached managed policies, sorted.
      type: list
      elements: str
      returned: always
      sample: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    inline_policies:
      description: The inline policies, policy name to policy document (parsed JSON).
      type: dict
      returned: always
      sample: {"shop-prod-ecs-execution-secrets": {"Version": "2012-10-17", "Statement": []}}
    tags:
      description: The tags of the role, sorted by key.
      type: dict
      returned: always
      sample: {"managed-by": "stacksmith", "stack": "shop-prod"}
role_arns:
  description: Role name to ARN of the roles in RV(roles); V(null) for a role that would be created.
  returned: always
  type: dict
  sample: {"shop-prod-ecs-execution": "arn:aws:iam::123456789012:role/shop-prod-ecs-execution"}
created:
  description: The names of the roles created (that would be created, in check mode), in O(config) order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-ecs-execution"]
updated:
  description: The names of the existing roles that changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: []
deleted:
  description: The names of the roles deleted, in name order (O(config) order with O(state=deleted)).
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
  sample: ["shop-prod-old-role"]
rendered:
  description:
    - The requests a create of the listed roles sends, in order, each with its C(action) and its C(request)
      parameters (policy documents as the JSON strings sent).
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - action: CreateRole
      request:
        RoleName: shop-prod-ecs-execution
        Path: /
        AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": []}'
        Tags: [{Key: managed-by, Value: stacksmith}, {Key: stack, Value: shop-prod}]
    - action: AttachRolePolicy
      request:
        RoleName: shop-prod-ecs-execution
        PolicyArn: arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
diff:
  description: Before and after, keyed by role name, of the roles that change.
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
  sample: {"before": {"shop-prod-ecs-execution": {"max_session_duration": 3600}},
           "after": {"shop-prod-ecs-execution": {"max_session_duration": 7200}}}
"""

import copy
import json
from urllib.parse import unquote

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import (
    is_boto3_error_code,
    paginated_query_with_retries,
)
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError, validate_iam_identifiers
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
    resource_set_argument_spec,
    run_concurrently,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
    sorted_tags,
)

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "assume_role_policy": {"type": "dict"},
    "managed_policy_arns": {"type": "list", "elements": "str"},
    "inline_policies": {"type": "dict"},
    "max_session_duration": {"type": "int"},
    "tags": {"type": "dict", "default": {}},
}
DEFAULT_MAX_SESSION_DURATION = 3600
MAX_SESSION_DURATION_RANGE = (3600, 43200)
# IAM is eventually consistent: an AttachRolePolicy or PutRolePolicy right after CreateRole can answer NoSuchEntity.
# Only the calls that follow a create retry it (short first delay, backoff); elsewhere NoSuchEntity is an answer.
NEW_ROLE_RETRY = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=10, catch_extra_error_codes=["NoSuchEntity"])


# ---------------------------------------------------------------------------------------------------------------------
# input


def stringify(tags):
    """Tag values as AWS stores them (text)."""
    return {str(key): str(value) for key, value in (tags or {}).items()}


def parse_document(value, what):
    """A policy document as a dict, from a dict, a JSON string or the URL-encoded JSON the raw IAM API returns
    (botocore usually decodes it already). None stays None."""
    if value is None or isinstance(value, dict):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("{"):
            text = unquote(text)
        try:
            document = json.loads(text)
        except ValueError as e:
            raise ResourceSetError(f"{what} is not a JSON policy document: {e}") from e
        if isinstance(document, dict):
            return document
    raise ResourceSetError(f"{what} must be a policy document (a dictionary)")


def unique(values):
    result = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def normalize_config(config, common_tags, path):
    """The config items as the module compares them: documents parsed, managed policy ARNs de-duplicated, inline
    policies sorted by name, the role's full tags. Every invalid item is named in one error, before any call."""
    errors = []
    path_problem = validate_iam_identifiers("role", path=path)
    if path_problem:
        errors.append(f"path {path}: {path_problem}")
    wanted = []
    for item in config:
        name = item["name"]
        problem = validate_iam_identifiers("role", name=name)
        if problem:
            errors.append(f"{name}: {problem}")
        duration = item.get("max_session_duration")
        low, high = MAX_SESSION_DURATION_RANGE
        if duration is not None and not low <= duration <= high:
            errors.append(f"{name}: max_session_duration {duration} is not between {low} and {high} seconds")
        arns = item.get("managed_policy_arns")
        for arn in arns or []:
            if not arn.startswith("arn:") or ":policy/" not in arn:
                errors.append(f"{name}: managed_policy_arns: {arn} is not a managed policy ARN")
        try:
            trust = parse_document(item.get("assume_role_policy"), f"{name}: assume_role_policy")
            inline = item.get("inline_policies")
            if inline is not None:
                inline = {key: parse_document(inline[key], f"{name}: inline_policies.{key}") for key in sorted(inline)}
        except ResourceSetError as e:
            errors.append(str(e))
            continue
        wanted.append(
            {
                "name": name,
                "description": item.get("description"),
                "assume_role_policy": trust,
                "managed_policy_arns": None if arns is None else unique(arns),
                "inline_policies": inline,
                "max_session_duration": duration,
                "tags": sorted_tags({**stringify(common_tags), **stringify(item.get("tags"))}),
            }
        )
    if errors:
        raise ResourceSetError("; ".join(errors))
    dupes = duplicate_names(wanted)
    if dupes:
        raise ResourceSetError(f"config names each role once; repeated: {', '.join(dupes)}")
    return wanted


# ---------------------------------------------------------------------------------------------------------------------
# reading
#
# A role as the module holds it: {"name", "role" (GetRole's Role, or ListRoles' entry for a role not owned),
# "tags" (dict), "managed" (attached policy ARNs, sorted), "inline" (policy name -> document)}.


def _read_part(client, part):
    """One independent read of a role; None when the role does not exist."""
    kind, name = part
    try:
        if kind == "role":
            return client.get_role(aws_retry=True, RoleName=name)["Role"]
        if kind == "managed":
            attached = paginated_query_with_retries(client, "list_attached_role_policies", RoleName=name)
            return sorted(policy["PolicyArn"] for policy in attached.get("AttachedPolicies") or [])
        if kind == "inline":
            return sorted(paginated_query_with_retries(client, "list_role_policies", RoleName=name)["PolicyNames"])
        if kind == "tags":
            tags = paginated_query_with_retries(client, "list_role_tags", RoleName=name).get("Tags") or []
            return sorted_tags(boto3_tag_list_to_ansible_dict(tags))
        response = client.get_role_policy(aws_retry=True, RoleName=name[0], PolicyName=name[1])
        return parse_document(response["PolicyDocument"], f"inline policy {name[1]} of role {name[0]}")
    except is_boto3_error_code("NoSuchEntity"):
        return None


def read_parts(client, parts):
    try:
        return run_concurrently(lambda part: _read_part(client, part), parts)
    except (BotoCoreError, ClientError) as e:
        raise AnsibleIAMError(message="Failed to read the IAM roles", exception=e) from e


def read_roles(client, names):
    """name -> role, for the ``names`` that exist: GetRole, ListAttachedRolePolicies and ListRolePolicies of every
    role concurrently, then GetRolePolicy of every inline policy concurrently."""
    parts = [(kind, name) for name in names for kind in ("role", "managed", "inline")]
    answers = dict(zip(parts, read_parts(client, parts), strict=True))
    found = [name for name in names if all(answers[(kind, name)] is not None for kind in ("role", "managed", "inline"))]
    documents = [("document", (name, policy)) for name in found for policy in answers[("inline", name)]]
    policies = dict(zip(documents, read_parts(client, documents), strict=True))
    roles = {}
    for name in found:
        role = answers[("role", name)]
        inline = {}
        for policy in answers[("inline", name)]:
            document = policies[("document", (name, policy))]
            if document is not None:  # deleted between the list and the get
                inline[policy] = document
        roles[name] = {
            "name": name,
            "role": role,
            "tags": sorted_tags(boto3_tag_list_to_ansible_dict(role.get("Tags") or [])),
            "managed": answers[("managed", name)],
            "inline": inline,
        }
    return roles


def scan_roles(client, path, owner_tags, skip=()):
    """name -> role for the roles whose path is exactly ``path`` (ListRoles on the path, then ListRoleTags of each
    candidate concurrently); the owned ones fully read, the others with their tags only (never written)."""
    try:
        listed = paginated_query_with_retries(client, "list_roles", PathPrefix=path).get("Roles") or []
    except (BotoCoreError, ClientError) as e:
        raise AnsibleIAMError(message=f"Failed to list the IAM roles under {path}", exception=e) from e
    candidates = {
        role["RoleName"]: role for role in listed if role.get("Path") == path and role["RoleName"] not in skip
    }
    names = sorted(candidates)
    parts = [("tags", name) for name in names]
    tags = dict(zip(names, read_parts(client, parts), strict=True))
    owned = [name for name in names if tags[name] is not None and is_owned(tags[name], owner_tags)]
    roles = {
        name: {"name": name, "role": candidates[name], "tags": tags[name], "managed": None, "inline": None}
        for name in names
        if tags[name] is not None and name not in owned
    }
    roles.update(read_roles(client, owned))
    return roles


def view(resource):
    """A role in the config format (what diffs, results and ``gathered`` show)."""
    role = resource["role"]
    return {
        "name": resource["name"],
        "arn": role.get("Arn"),
        "role_id": role.get("RoleId"),
        "path": role.get("Path"),
        "description": role.get("Description") or "",
        "max_session_duration": role.get("MaxSessionDuration", DEFAULT_MAX_SESSION_DURATION),
        "assume_role_policy": parse_document(
            role.get("AssumeRolePolicyDocument"), f"trust policy of {resource['name']}"
        ),
        "managed_policy_arns": sorted(resource.get("managed") or []),
        "inline_policies": {key: resource["inline"][key] for key in sorted(resource.get("inline") or {})},
        "tags": sorted_tags(resource.get("tags")),
    }


def check_existing(wanted, existing, path):
    """Fails (before any write) for a listed role under another path, or a missing role without a trust policy."""
    errors = []
    for item in wanted:
        current = existing.get(item["name"])
        if current is None:
            if item["assume_role_policy"] is None:
                errors.append(f"{item['name']}: assume_role_policy is required to create the role")
        elif current["role"].get("Path") != path:
            errors.append(
                f"{item['name']}: the role exists under path {current['role'].get('Path')} but path {path} was "
                "requested; the path of a role cannot be changed (delete the role and create it again)"
            )
    if errors:
        raise ResourceSetError("; ".join(errors))


# ---------------------------------------------------------------------------------------------------------------------
# requests


def create_request(item, path):
    request = {
        "RoleName": item["name"],
        "Path": path,
        "AssumeRolePolicyDocument": json.dumps(item["assume_role_policy"]),
    }
    if item["description"]:
        request["Description"] = item["description"]
    if item["max_session_duration"] is not None:
        request["MaxSessionDuration"] = item["max_session_duration"]
    request["Tags"] = boto3_tag_list(item["tags"])
    return request


def attach_requests(item):
    return [{"RoleName": item["name"], "PolicyArn": arn} for arn in item["managed_policy_arns"] or []]


def put_requests(item):
    inline = item["inline_policies"] or {}
    return [
        {"RoleName": item["name"], "PolicyName": name, "PolicyDocument": json.dumps(inline[name])}
        for name in sorted(inline)
    ]


def planned_role(item, path):
    """The role a create of ``item`` makes, as the module holds roles (no ARN or ID yet)."""
    role = {
        "RoleName": item["name"],
        "Path": path,
        "AssumeRolePolicyDocument": item["assume_role_policy"],
        "Description": item["description"] or "",
        "MaxSessionDuration": item["max_session_duration"] or DEFAULT_MAX_SESSION_DURATION,
    }
    return {
        "name": item["name"],
        "role": role,
        "tags": dict(item["tags"]),
        "managed": sorted(item["managed_policy_arns"] or []),
        "inline": dict(item["inline_policies"] or {}),
    }


# ---------------------------------------------------------------------------------------------------------------------
# writing


class RoleSet:
    """The IAM roles of one set, converged together."""

    def __init__(self, client, module):
        self.client = client
        self.check_mode = module.check_mode
        self.path = module.params["path"]
        self.owner_tags = module.params["owner_tags"]

    def owned(self, resource):
        return is_owned(resource.get("tags"), self.owner_tags)

    def write(self, method, **request):
        """One write call, retried on throttling; nothing in check mode."""
        if not self.check_mode:
            getattr(self.client, method)(aws_retry=True, **request)

    def forget(self, method, **request):
        """A detach or delete: NoSuchEntity means it is already done."""
        try:
            self.write(method, **request)
        except is_boto3_error_code("NoSuchEntity"):
            pass

    # -- one attribute each: returns whether it changes, records the change in ``after``

    def update_trust(self, current, item, after):
        document = item["assume_role_policy"]
        existing = parse_document(current["role"].get("AssumeRolePolicyDocument"), f"trust policy of {item['name']}")
        if document is None or not compare_policies(existing, document):
            return False
        after["role"]["AssumeRolePolicyDocument"] = document
        self.write("update_assume_role_policy", RoleName=item["name"], PolicyDocument=json.dumps(document))
        return True

    def update_settings(self, current, item, after):
        """Description and maximum session duration, in one UpdateRole naming only the fields that change."""
        role = current["role"]
        request = {}
        if item["description"] is not None and item["description"] != (role.get("Description") or ""):
            request["Description"] = item["description"]
        duration = item["max_session_duration"]
        if duration is not None and duration != role.get("MaxSessionDuration", DEFAULT_MAX_SESSION_DURATION):
            request["MaxSessionDuration"] = duration
        if not request:
            return False
        after["role"].update(request)
        self.write("update_role", RoleName=item["name"], **request)
        return True

    def update_managed_policies(self, current, item, purge, after):
        wanted = item["managed_policy_arns"]
        if wanted is None and not purge:
            return False
        wanted = wanted or []
        to_attach = [arn for arn in wanted if arn not in current["managed"]]
        to_detach = [arn for arn in current["managed"] if arn not in wanted] if purge else []
        if not to_attach and not to_detach:
            return False
        # Attach first: the role never has fewer permissions than both the old and the new list give it.
        for arn in to_attach:
            self.write("attach_role_policy", RoleName=item["name"], PolicyArn=arn)
        for arn in to_detach:
            self.forget("detach_role_policy", RoleName=item["name"], PolicyArn=arn)
        after["managed"] = sorted(arn for arn in current["managed"] + to_attach if arn not in to_detach)
        return True

    def update_inline_policies(self, current, item, purge, after):
        wanted = item["inline_policies"]
        if wanted is None and not purge:
            return False
        wanted = wanted or {}
        existing = current["inline"]
        to_put = [
            name for name in sorted(wanted) if name not in existing or compare_policies(existing[name], wanted[name])
        ]
        to_delete = sorted(name for name in existing if name not in wanted) if purge else []
        if not to_put and not to_delete:
            return False
        for name in to_put:
            self.write(
                "put_role_policy", RoleName=item["name"], PolicyName=name, PolicyDocument=json.dumps(wanted[name])
            )
        for name in to_delete:
            self.forget("delete_role_policy", RoleName=item["name"], PolicyName=name)
        inline = {name: existing[name] for name in existing if name not in to_delete}
        inline.update({name: wanted[name] for name in to_put})
        after["inline"] = {name: inline[name] for name in sorted(inline)}
        return True

    def update_tags(self, current, item, purge, after):
        to_set, to_unset = compare_tags(current["tags"], item["tags"], purge_tags=purge)
        if not to_set and not to_unset:
            return False
        if to_unset:
            self.write("untag_role", RoleName=item["name"], TagKeys=to_unset)
        if to_set:
            self.write("tag_role", RoleName=item["name"], Tags=boto3_tag_list(to_set))
        tags = {key: value for key, value in current["tags"].items() if key not in to_unset}
        tags.update(to_set)
        after["tags"] = sorted_tags(tags)
        return True

    # -- one role

    def converge_role(self, item, current, purge):
        after = copy.deepcopy(current)
        changed = self.update_trust(current, item, after)
        changed |= self.update_settings(current, item, after)
        changed |= self.update_managed_policies(current, item, purge, after)
        changed |= self.update_inline_policies(current, item, purge, after)
        changed |= self.update_tags(current, item, purge, after)
        return changed, view(after)

    def create_role(self, item, purge):
        planned = planned_role(item, self.path)
        if self.check_mode:
            return True, view(planned)
        try:
            role = self.client.create_role(aws_retry=True, **create_request(item, self.path))["Role"]
        except is_boto3_error_code("EntityAlreadyExists"):
            # Our create committed but its answer was lost (or another run created it meanwhile): converge that role.
            current = read_roles(self.client, [item["name"]]).get(item["name"])
            if current is None:
                raise
            check_existing([item], {item["name"]: current}, self.path)
            if purge and not self.owned(current):
                raise ResourceSetError(
                    f"{item['name']} was created meanwhile by someone else (it does not carry the owner tags): "
                    "it is left as it is"
                ) from None
            return True, self.converge_role(item, current, purge)[1]
        for request in attach_requests(item):
            NEW_ROLE_RETRY(self.client.attach_role_policy)(**request)
        for request in put_requests(item):
            NEW_ROLE_RETRY(self.client.put_role_policy)(**request)
        planned["role"].update({key: role[key] for key in ("Arn", "RoleId", "Path") if key in role})
        return True, view(planned)

    def present(self, item, current, purge):
        try:
            if current is None:
                return self.create_role(item, purge)
            return self.converge_role(item, current, purge)
        except (BotoCoreError, ClientError) as e:
            raise AnsibleIAMError(message=f"Failed to converge IAM role {item['name']}", exception=e) from e

    def absent(self, resource):
        """Detaches every managed policy, deletes every inline policy, removes the role from its instance profiles,
        then deletes it. Anything already gone is fine."""
        name = resource["name"]
        try:
            for arn in resource["managed"]:
                self.forget("detach_role_policy", RoleName=name, PolicyArn=arn)
            for policy in sorted(resource["inline"]):
                self.forget("delete_role_policy", RoleName=name, PolicyName=policy)
            try:
                profiles = paginated_query_with_retries(self.client, "list_instance_profiles_for_role", RoleName=name)
            except is_boto3_error_code("NoSuchEntity"):
                return
            for profile in sorted(p["InstanceProfileName"] for p in profiles.get("InstanceProfiles") or []):
                self.forget("remove_role_from_instance_profile", InstanceProfileName=profile, RoleName=name)
            self.forget("delete_role", RoleName=name)
        except is_boto3_error_code("DeleteConflict") as e:
            message = e.response.get("Error", {}).get("Message", "")
            raise ResourceSetError(
                f"cannot delete IAM role {name}: something was attached to it since it was read ({message}); "
                "run the task again"
            ) from e
        except (BotoCoreError, ClientError) as e:
            raise AnsibleIAMError(message=f"Failed to delete IAM role {name}", exception=e) from e

    # -- the set

    def converge(self, state, wanted):
        names = [item["name"] for item in wanted]
        existing = read_roles(self.client, names)
        if state == "overridden" or (state == "deleted" and not wanted):
            existing.update(scan_roles(self.client, self.path, self.owner_tags, skip=set(names)))
        if state != "deleted":
            check_existing(wanted, existing, self.path)
        result = converge_set(
            state=state,
            config=wanted,
            existing=existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=view,
            check_mode=self.check_mode,
        )
        result["roles"] = result.pop("items")
        return result

    def gathered(self):
        roles = scan_roles(self.client, self.path, self.owner_tags)
        return {"changed": False, "roles": [view(roles[name]) for name in sorted(roles) if self.owned(roles[name])]}


def rendered(wanted, path):
    check_existing(wanted, {}, path)
    requests = []
    for item in wanted:
        requests.append({"action": "CreateRole", "request": create_request(item, path)})
        requests.extend({"action": "AttachRolePolicy", "request": request} for request in attach_requests(item))
        requests.extend({"action": "PutRolePolicy", "request": request} for request in put_requests(item))
    return {"changed": False, "rendered": requests, "roles": [view(planned_role(item, path)) for item in wanted]}


def main():
    argument_spec = resource_set_argument_spec(CONFIG_OPTIONS, path={"type": "str", "default": "/"})
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    state = module.params["state"]

    try:
        wanted = normalize_config(module.params["config"], module.params["tags"], module.params["path"])
        if state == "rendered":
            result = rendered(wanted, module.params["path"])
        else:
            client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
            role_set = RoleSet(client, module)
            result = role_set.gathered() if state == "gathered" else role_set.converge(state, wanted)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the IAM roles")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    result["role_arns"] = {role["name"]: role["arn"] for role in result["roles"]}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
