# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role set of iam_roles, shared with the modules that own a role of their own (ec2_vpc_flow_log's delivery
role): read, compare, create, update and delete IAM roles with their trust, managed and inline policies and tags."""

from __future__ import annotations

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
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
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
