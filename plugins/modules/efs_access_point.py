# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: efs_access_point
version_added: 0.2.0
short_description: Manage an Amazon EFS access point
description:
  - Creates, tags or deletes one access point of an Amazon EFS file system.
  - Neither C(amazon.aws) nor C(community.aws) ships a module for EFS access points (C(community.aws.efs) manages
    file systems and mount targets only), so this module fills that gap with check mode, diff mode, tags through
    C(TagResource) / C(UntagResource), and retries on throttling.
  - The access point is found among the access points of O(file_system_id) by its C(Name) tag (O(name)) or, when
    O(name) is not given, by the client token it was created with (O(client_token)).
  - Apart from its tags an access point cannot be modified. If the one found has another root directory, root
    directory creation info or POSIX user than requested, the module fails and names the difference, unless
    O(recreate=true), in which case it deletes the access point and creates a new one (a new ID and ARN).
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description: Create (V(present)) or delete (V(absent)) the access point.
    type: str
    choices: ['present', 'absent']
    default: present
  file_system_id:
    description: The file system the access point belongs to.
    type: str
    required: true
  name:
    description:
      - The C(Name) tag of the access point, unique among the access points of the file system.
      - One of O(name) and O(client_token) is required.
    type: str
  client_token:
    description:
      - The idempotency token the access point is created with, and found by when O(name) is not given.
      - When not set, a random token is used for each create.
    type: str
  root_directory:
    description:
      - The directory of the file system that the access point exposes as its root.
    type: dict
    suboptions:
      path:
        description: The absolute path of the directory.
        type: str
        default: /
      creation_info:
        description:
          - Owner and permissions EFS applies when it creates O(root_directory.path) because it does not exist
            on first use. Without it, a missing root directory makes mounts fail.
        type: dict
        suboptions:
          owner_uid:
            description: POSIX user ID of the directory's owner.
            type: int
            required: true
          owner_gid:
            description: POSIX group ID of the directory's owner.
            type: int
            required: true
          permissions:
            description: Octal permissions of the directory, as a string, for example V("750").
            type: str
            required: true
  posix_user:
    description:
      - The POSIX identity every NFS request made through the access point uses.
    type: dict
    suboptions:
      uid:
        description: The POSIX user ID.
        type: int
        required: true
      gid:
        description: The POSIX group ID.
        type: int
        required: true
      secondary_gids:
        description: Secondary POSIX group IDs.
        type: list
        elements: int
  recreate:
    description:
      - Delete and create the access point again when its immutable attributes differ from the requested ones.
      - Clients that mount it by ID or ARN must then be updated.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
seealso:
  - module: stacksmith.aws.efs_file_system
  - name: EFS access points
    description: The AWS documentation on EFS access points.
    link: https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Expose /shop/storage to uid/gid 1000, creating the directory with mode 750
  stacksmith.aws.efs_access_point:
    file_system_id: fs-0123456789abcdef0
    name: shop-prod-storage
    root_directory:
      path: /shop/storage
      creation_info:
        owner_uid: 1000
        owner_gid: 1000
        permissions: "750"
    posix_user:
      uid: 1000
      gid: 1000
    tags:
      stack: shop-prod
  register: access_point

- name: Delete the access point
  stacksmith.aws.efs_access_point:
    file_system_id: fs-0123456789abcdef0
    name: shop-prod-storage
    state: absent
"""

RETURN = r"""
access_point_id:
  description: The ID of the access point. V(null) when it would be created in check mode or does not exist.
  returned: always
  type: str
  sample: fsap-0123456789abcdef0
access_point_arn:
  description: The ARN of the access point.
  returned: always
  type: str
  sample: arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0
file_system_id:
  description: The file system of the access point.
  returned: always
  type: str
  sample: fs-0123456789abcdef0
root_directory:
  description: The root directory of the access point.
  returned: always
  type: dict
  sample: {"path": "/shop/storage", "creation_info": {"owner_uid": 1000, "owner_gid": 1000, "permissions": "750"}}
posix_user:
  description: The POSIX user of the access point (empty when none).
  returned: always
  type: dict
  sample: {"uid": 1000, "gid": 1000}
life_cycle_state:
  description: The state of the access point.
  returned: always
  type: str
  sample: available
tags:
  description: The tags of the access point.
  returned: always
  type: dict
  sample: {"Name": "shop-prod-storage", "stack": "shop-prod"}
"""

import re
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.efs import (
    create_tags,
    ensure_tags,
    paginate,
    tag_list,
    tags_of,
    wanted_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import updated_tags
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

# Polls (module_utils/waiter.py): the second read after 1 s, the pauses growing up to this many seconds.
POLL_MAX_DELAY = 5
CREATE_TIMEOUT = 120


class EFSAccessPointError(Exception):
    pass


def list_access_points(client, file_system_id):
    try:
        return paginate(client, "describe_access_points", FileSystemId=file_system_id).get("AccessPoints") or []
    except is_boto3_error_code("FileSystemNotFound"):
        return []


def find_access_point(client, params):
    live = [
        ap
        for ap in list_access_points(client, params["file_system_id"])
        if ap.get("LifeCycleState") not in ("deleting", "deleted")
    ]
    if params.get("name"):
        found = [ap for ap in live if tags_of(ap).get("Name") == params["name"]]
        what = f"Name tag {params['name']!r}"
    else:
        found = [ap for ap in live if ap.get("ClientToken") == params["client_token"]]
        what = f"client token {params['client_token']!r}"
    if len(found) > 1:
        ids = ", ".join(ap["AccessPointId"] for ap in found)
        raise EFSAccessPointError(f"Several access points of {params['file_system_id']} have the {what} ({ids})")
    return found[0] if found else None


def normalize_path(path):
    path = path or "/"
    return "/" + path.strip("/") if path.strip("/") else "/"


def wanted_root_directory(params):
    """The RootDirectory request (None when no root_directory is asked for)."""
    root = params.get("root_directory")
    if root is None:
        return None
    request = {"Path": normalize_path(root.get("path"))}
    info = root.get("creation_info")
    if info:
        request["CreationInfo"] = {
            "OwnerUid": info["owner_uid"],
            "OwnerGid": info["owner_gid"],
            "Permissions": info["permissions"],
        }
    return request


def wanted_posix_user(params):
    user = params.get("posix_user")
    if user is None:
        return None
    request = {"Uid": user["uid"], "Gid": user["gid"]}
    if user.get("secondary_gids"):
        request["SecondaryGids"] = user["secondary_gids"]
    return request


def differences(access_point, params):
    """(attribute, current, wanted) for each immutable attribute that differs from the request."""
    result = []
    current_root = access_point.get("RootDirectory") or {"Path": "/"}
    root = wanted_root_directory(params)
    if root is not None:
        if normalize_path(current_root.get("Path")) != root["Path"]:
            result.append(("root_directory.path", current_root.get("Path"), root["Path"]))
        if "CreationInfo" in root:
            current_info = current_root.get("CreationInfo") or {}
            wanted_info = root["CreationInfo"]
            for key, label in (("OwnerUid", "owner_uid"), ("OwnerGid", "owner_gid")):
                if current_info.get(key) != wanted_info[key]:
                    result.append((f"root_directory.creation_info.{label}", current_info.get(key), wanted_info[key]))
            if _octal(current_info.get("Permissions")) != _octal(wanted_info["Permissions"]):
                result.append(
                    (
                        "root_directory.creation_info.permissions",
                        current_info.get("Permissions"),
                        wanted_info["Permissions"],
                    )
                )
    user = wanted_posix_user(params)
    if user is not None:
        current_user = access_point.get("PosixUser") or {}
        for key, label in (("Uid", "uid"), ("Gid", "gid")):
            if current_user.get(key) != user[key]:
                result.append((f"posix_user.{label}", current_user.get(key), user[key]))
        if sorted(current_user.get("SecondaryGids") or []) != sorted(user.get("SecondaryGids") or []):
            result.append(
                ("posix_user.secondary_gids", current_user.get("SecondaryGids") or [], user.get("SecondaryGids") or [])
            )
    return result


def _octal(value):
    try:
        return int(str(value), 8)
    except (TypeError, ValueError):
        return value


def format_access_point(access_point, file_system_id=None):
    if not access_point:
        return {
            "access_point_id": None,
            "access_point_arn": None,
            "file_system_id": file_system_id,
            "root_directory": {},
            "posix_user": {},
            "life_cycle_state": None,
            "tags": {},
        }
    result = camel_dict_to_snake_dict(access_point, ignore_list=["Tags"])
    result.pop("tags", None)
    result.pop("Tags", None)
    result["tags"] = tags_of(access_point)
    result.setdefault("root_directory", {"path": "/"})
    result.setdefault("posix_user", {})
    result.setdefault("life_cycle_state", None)
    return result


def predicted_access_point(params, tags):
    predicted = {
        "FileSystemId": params["file_system_id"],
        "RootDirectory": wanted_root_directory(params) or {"Path": "/"},
        "Tags": tag_list(tags),
    }
    user = wanted_posix_user(params)
    if user:
        predicted["PosixUser"] = user
    if params.get("client_token"):
        predicted["ClientToken"] = params["client_token"]
    return predicted


def create_access_point(client, params, tags):
    request = {
        "ClientToken": params.get("client_token") or str(uuid.uuid4()),
        "FileSystemId": params["file_system_id"],
        "Tags": tag_list(tags),
    }
    root = wanted_root_directory(params)
    if root:
        request["RootDirectory"] = root
    user = wanted_posix_user(params)
    if user:
        request["PosixUser"] = user
    access_point = client.create_access_point(aws_retry=True, **request)
    if access_point.get("LifeCycleState") == "creating":
        access_point_id = access_point["AccessPointId"]
        found = poll(
            lambda: client.describe_access_points(aws_retry=True, AccessPointId=access_point_id)["AccessPoints"],
            lambda aps: not aps or aps[0].get("LifeCycleState") != "creating",
            CREATE_TIMEOUT,
            what=f"access point {access_point_id} to be available",
            max_delay=POLL_MAX_DELAY,
        )
        access_point = found[0] if found else access_point
    return access_point


def delete_access_point(client, access_point_id):
    try:
        client.delete_access_point(aws_retry=True, AccessPointId=access_point_id)
    except is_boto3_error_code("AccessPointNotFound"):
        return False
    return True


def diff_view(access_point):
    if not access_point:
        return {}
    view = format_access_point(access_point)
    return {key: view.get(key) for key in ("root_directory", "posix_user", "tags")}


def ensure_present(client, module, params):
    tags = wanted_tags(params.get("name"), params.get("tags"))
    existing = find_access_point(client, params)

    if existing is None:
        tags = create_tags(params.get("name"), tags)
        predicted = predicted_access_point(params, tags)
        if module.check_mode:
            result = format_access_point(None, params["file_system_id"])
            view = format_access_point(predicted)
            result.update(root_directory=view["root_directory"], posix_user=view["posix_user"], tags=view["tags"])
        else:
            result = format_access_point(create_access_point(client, params, tags))
        result.update(changed=True, diff={"before": {}, "after": diff_view(predicted)})
        return result

    access_point_id = existing["AccessPointId"]
    diffs = differences(existing, params)
    if diffs:
        if not params["recreate"]:
            details = "; ".join(f"{key} is {current!r} but {wanted!r} was requested" for key, current, wanted in diffs)
            raise EFSAccessPointError(
                f"Access point {access_point_id} cannot be modified: {details}. Access points are immutable apart "
                "from their tags; set recreate=true to delete it and create a new one (with a new ID)."
            )
        current_tags = tags_of(existing)
        new_tags = updated_tags(current_tags, tags, params["purge_tags"])
        predicted = predicted_access_point(params, new_tags)
        if module.check_mode:
            result = format_access_point(None, params["file_system_id"])
            view = format_access_point(predicted)
            result.update(root_directory=view["root_directory"], posix_user=view["posix_user"], tags=view["tags"])
        else:
            delete_access_point(client, access_point_id)
            result = format_access_point(create_access_point(client, params, new_tags))
        result.update(
            changed=True, replaced=access_point_id, diff={"before": diff_view(existing), "after": diff_view(predicted)}
        )
        return result

    current_tags = tags_of(existing)
    changed = ensure_tags(client, module.check_mode, access_point_id, current_tags, tags, params["purge_tags"])
    after = dict(existing, Tags=tag_list(updated_tags(current_tags, tags, params["purge_tags"])))
    result = format_access_point(after)
    result.update(changed=changed, diff={"before": diff_view(existing), "after": diff_view(after)})
    return result


def ensure_absent(client, module, params):
    existing = find_access_point(client, params)
    if existing is None:
        result = format_access_point(None, params["file_system_id"])
        result.update(changed=False, diff={"before": {}, "after": {}})
        return result
    changed = True
    if not module.check_mode:
        changed = delete_access_point(client, existing["AccessPointId"])
    result = format_access_point(existing)
    result.update(changed=changed, diff={"before": diff_view(existing), "after": {}})
    return result


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "file_system_id": {"type": "str", "required": True},
        "name": {"type": "str"},
        "client_token": {"type": "str", "no_log": False},
        "root_directory": {
            "type": "dict",
            "options": {
                "path": {"type": "str", "default": "/"},
                "creation_info": {
                    "type": "dict",
                    "options": {
                        "owner_uid": {"type": "int", "required": True},
                        "owner_gid": {"type": "int", "required": True},
                        "permissions": {"type": "str", "required": True},
                    },
                },
            },
        },
        "posix_user": {
            "type": "dict",
            "options": {
                "uid": {"type": "int", "required": True},
                "gid": {"type": "int", "required": True},
                "secondary_gids": {"type": "list", "elements": "int"},
            },
        },
        "recreate": {"type": "bool", "default": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[("name", "client_token")],
    )
    params = module.params
    info = (params.get("root_directory") or {}).get("creation_info")
    if info and not re.match(r"^[0-7]{3,4}$", str(info["permissions"])):
        module.fail_json(msg="root_directory.creation_info.permissions must be an octal string such as '750'")
    if params.get("root_directory") and not str(params["root_directory"].get("path") or "/").startswith("/"):
        module.fail_json(msg="root_directory.path must be an absolute path")

    client = module.client("efs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if params["state"] == "present":
            result = ensure_present(client, module, params)
        else:
            result = ensure_absent(client, module, params)
    except (EFSAccessPointError, WaitTimeout) as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(
            e, msg=f"Failed to manage EFS access point {params.get('name') or params.get('client_token')}"
        )

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
