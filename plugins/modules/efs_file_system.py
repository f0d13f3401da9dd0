# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: efs_file_system
version_added: 0.2.0
short_description: Manage an Amazon EFS file system, its mount targets, lifecycle and backup policy
description:
  - Creates, updates or deletes one Amazon EFS file system together with its mount targets, its lifecycle
    configuration, its automatic backup policy and its tags.
  - This module exists because the stock C(community.aws.efs) module has no check mode and no diff mode, reads
    tags through the deprecated C(DescribeTags) API, and waits by polling with fixed 5 second sleeps. This module
    supports check mode (no write call) and diff mode, reads tags from C(DescribeFileSystems), writes them with
    C(TagResource) / C(UntagResource), and polls with a short delay only while something is still changing.
  - The file system is identified by its creation token (O(creation_token), default O(name)); when no file system
    has that token, by its C(Name) tag (O(name)). Two file systems with the same C(Name) tag are an error.
  - O(encrypt), O(kms_key_id) and O(performance_mode) cannot be changed on an existing file system; asking for a
    different value fails and names the difference.
  - A mount target can only be created on an C(available) file system, so when O(mount_targets) are created right
    after the file system, the module waits for the file system (about 10 seconds on AWS) even with O(wait=false);
    it does not wait for the mount targets (about 80 seconds each on AWS) unless O(wait=true).
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Create or update (V(present)) or delete (V(absent)) the file system.
      - With V(absent), the mount targets are deleted first and the module waits until they are gone, as
        C(DeleteFileSystem) refuses a file system that still has mount targets.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The C(Name) tag of the file system. Unique per account and region.
    type: str
    required: true
  creation_token:
    description:
      - The creation token (idempotency token) the file system is created with and found by.
      - Defaults to O(name).
    type: str
  encrypt:
    description:
      - Whether the data at rest is encrypted.
      - Cannot be changed once the file system exists.
    type: bool
    default: true
  kms_key_id:
    description:
      - The KMS key (ID, ARN, alias name or alias ARN) that encrypts the file system.
      - When not set, AWS uses the C(aws/elasticfilesystem) managed key.
      - Cannot be changed once the file system exists. Keys given as an alias are not compared.
    type: str
  performance_mode:
    description:
      - The performance mode of the file system.
      - Cannot be changed once the file system exists.
    type: str
    choices: ['generalPurpose', 'maxIO']
    default: generalPurpose
  throughput_mode:
    description:
      - The throughput mode. When not set, a new file system gets the AWS default and an existing one is not
        changed.
    type: str
    choices: ['bursting', 'provisioned', 'elastic']
  provisioned_throughput_in_mibps:
    description:
      - The provisioned throughput in MiB/s. Required when O(throughput_mode=provisioned).
    type: float
  transition_to_ia:
    description:
      - When files move to the Infrequent Access storage class. V(NONE) removes the rule.
      - When none of O(transition_to_ia), O(transition_to_primary_storage_class) and O(transition_to_archive) is
        set, the lifecycle configuration is not managed.
    type: str
    choices: ['NONE', 'AFTER_1_DAY', 'AFTER_7_DAYS', 'AFTER_14_DAYS', 'AFTER_30_DAYS', 'AFTER_60_DAYS',
              'AFTER_90_DAYS', 'AFTER_180_DAYS', 'AFTER_270_DAYS', 'AFTER_365_DAYS']
  transition_to_primary_storage_class:
    description:
      - Whether files move back to the primary storage class on their first access. V(NONE) removes the rule.
    type: str
    choices: ['NONE', 'AFTER_1_ACCESS']
  transition_to_archive:
    description:
      - When files move to the Archive storage class. V(NONE) removes the rule.
    type: str
    choices: ['NONE', 'AFTER_1_DAY', 'AFTER_7_DAYS', 'AFTER_14_DAYS', 'AFTER_30_DAYS', 'AFTER_60_DAYS',
              'AFTER_90_DAYS', 'AFTER_180_DAYS', 'AFTER_270_DAYS', 'AFTER_365_DAYS']
  backup:
    description:
      - Whether AWS Backup automatic backups are enabled. When not set, the backup policy is not managed.
    type: bool
  mount_targets:
    description:
      - The mount targets of the file system, at most one per availability zone.
      - Missing ones are created, the security groups of existing ones are updated, and mount targets in
        subnets that are not listed are deleted. When not set, mount targets are not managed; V([]) deletes
        them all.
    type: list
    elements: dict
    suboptions:
      subnet_id:
        description: The subnet of the mount target.
        type: str
        required: true
      security_groups:
        description:
          - Up to five security group IDs for the mount target's network interface.
          - When not set, a new mount target gets the VPC's default security group and an existing one is not
            changed.
        type: list
        elements: str
      ip_address:
        description: The IPv4 address of a new mount target (else AWS picks one). Not compared afterwards.
        type: str
  wait:
    description:
      - Wait until the file system and its mount targets are C(available) (or, with O(state=absent), gone).
    type: bool
    default: false
  wait_timeout:
    description: How many seconds to wait.
    type: int
    default: 600
  force:
    description:
      - With O(state=absent), also delete a file system that holds data, that is whose metered size is larger
        than that of an empty file system (6 KiB).
      - When V(false), such a file system is refused (in check mode too) and nothing is deleted.
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
  - The metered size reported by EFS lags the real usage by up to an hour, so the O(force) protection is a safety
    net, not a guarantee.
seealso:
  - module: stacksmith.aws.efs_access_point
  - module: community.aws.efs
  - name: Amazon EFS API reference
    description: The EFS API.
    link: https://docs.aws.amazon.com/efs/latest/ug/api-reference.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Create an encrypted file system with a mount target in two subnets, without waiting
  stacksmith.aws.efs_file_system:
    name: shop-prod-efs
    throughput_mode: elastic
    transition_to_ia: AFTER_30_DAYS
    mount_targets:
      - subnet_id: subnet-0123456789abcdef0
        security_groups: [sg-0123456789abcdef0]
      - subnet_id: subnet-0fedcba9876543210
        security_groups: [sg-0123456789abcdef0]
    tags:
      stack: shop-prod
  register: efs

- name: Later, wait for the file system and its mount targets to be available
  stacksmith.aws.efs_file_system:
    name: shop-prod-efs
    wait: true

- name: Delete the file system and its mount targets (refused if it holds data)
  stacksmith.aws.efs_file_system:
    name: shop-prod-efs
    state: absent
"""

RETURN = r"""
file_system_id:
  description: The ID of the file system. V(null) when it would be created in check mode or does not exist.
  returned: always
  type: str
  sample: fs-0123456789abcdef0
arn:
  description: The ARN of the file system.
  returned: always
  type: str
  sample: arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0
dns_name:
  description: The DNS name clients mount, C(<file_system_id>.efs.<region>.amazonaws.com).
  returned: always
  type: str
  sample: fs-0123456789abcdef0.efs.us-east-1.amazonaws.com
life_cycle_state:
  description: The state of the file system (C(creating), C(available), C(deleting)...).
  returned: always
  type: str
  sample: available
size_in_bytes:
  description: The metered size of the file system.
  returned: when the file system exists
  type: dict
  sample: {"value": 6144, "value_in_ia": 0, "value_in_standard": 6144}
mount_targets:
  description: The mount targets of the file system, with their security groups.
  returned: always
  type: list
  elements: dict
  sample:
    - mount_target_id: fsmt-0123456789abcdef0
      subnet_id: subnet-0123456789abcdef0
      availability_zone_name: us-east-1a
      ip_address: 10.0.10.25
      life_cycle_state: available
      network_interface_id: eni-0123456789abcdef0
      security_groups: [sg-0123456789abcdef0]
tags:
  description: The tags of the file system.
  returned: always
  type: dict
  sample: {"Name": "shop-prod-efs", "stack": "shop-prod"}
file_system:
  description:
    - The file system as C(DescribeFileSystems) reports it (snake_case), plus C(lifecycle_policies) and
      C(backup_policy) when they are managed. Empty when the file system does not exist.
  returned: always
  type: dict
  sample:
    file_system_id: fs-0123456789abcdef0
    creation_token: shop-prod-efs
    encrypted: true
    performance_mode: generalPurpose
    throughput_mode: elastic
    number_of_mount_targets: 2
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.efs import (
    create_tags,
    describe_file_system,
    ensure_tags,
    list_file_systems,
    list_mount_targets,
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

# The metered size of an empty file system (AWS: "the size of an empty file system is 6 KiB").
EMPTY_FILE_SYSTEM_BYTES = 6144
# Seconds between two looks at a changing file system or mount target.
# Polls (module_utils/waiter.py): the second read after 1 s, the pauses growing up to this many seconds.
POLL_MAX_DELAY = 5
LIFECYCLE_KEYS = {
    "transition_to_ia": "TransitionToIA",
    "transition_to_primary_storage_class": "TransitionToPrimaryStorageClass",
    "transition_to_archive": "TransitionToArchive",
}
GONE_MOUNT_TARGET_STATES = ("deleting", "deleted")


class EFSFileSystemError(Exception):
    pass


def dns_name(file_system_id, region):
    if not file_system_id:
        return None
    suffix = "amazonaws.com.cn" if (region or "").startswith("cn-") else "amazonaws.com"
    return f"{file_system_id}.efs.{region}.{suffix}"


def find_file_system(client, name, creation_token):
    """The file system with the creation token, else the one whose Name tag is `name`, else None."""
    by_token = list_file_systems(client, CreationToken=creation_token)
    if by_token:
        return by_token[0]
    by_name = [fs for fs in list_file_systems(client) if tags_of(fs).get("Name") == name]
    if len(by_name) > 1:
        ids = ", ".join(fs["FileSystemId"] for fs in by_name)
        raise EFSFileSystemError(f"Several file systems have the Name tag {name!r} ({ids}); give creation_token")
    return by_name[0] if by_name else None


def kms_key_matches(current, wanted):
    """Whether the KMS key of a file system (an ARN) is the key asked for (ID or ARN). Aliases are not compared."""
    if not wanted or "alias/" in wanted:
        return True
    if not current:
        return False
    return current == wanted or current.endswith(f":key/{wanted}") or wanted.endswith(f":key/{current}")


def immutable_differences(fs, params):
    differences = []
    if bool(fs.get("Encrypted")) != params["encrypt"]:
        differences.append(("encrypt", bool(fs.get("Encrypted")), params["encrypt"]))
    if fs.get("PerformanceMode", "generalPurpose") != params["performance_mode"]:
        differences.append(("performance_mode", fs.get("PerformanceMode"), params["performance_mode"]))
    if not kms_key_matches(fs.get("KmsKeyId"), params.get("kms_key_id")):
        differences.append(("kms_key_id", fs.get("KmsKeyId"), params["kms_key_id"]))
    return differences


def lifecycle_managed(params):
    return any(params.get(key) is not None for key in LIFECYCLE_KEYS)


def wanted_lifecycle(params):
    """{'TransitionToIA': 'AFTER_30_DAYS', ...} for the rules asked for (NONE removes a rule)."""
    return {
        camel: params[snake]
        for snake, camel in LIFECYCLE_KEYS.items()
        if params.get(snake) is not None and params[snake] != "NONE"
    }


def lifecycle_dict(policies):
    """Merges the single-key LifecyclePolicies items of AWS into one dict."""
    merged = {}
    for policy in policies or []:
        merged.update(policy)
    return merged


def lifecycle_policies(wanted):
    """The LifecyclePolicies request list: one item per rule, in the AWS documentation's order."""
    return [{key: wanted[key]} for key in LIFECYCLE_KEYS.values() if key in wanted]


def get_lifecycle(client, file_system_id):
    result = client.describe_lifecycle_configuration(aws_retry=True, FileSystemId=file_system_id)
    return lifecycle_dict(result.get("LifecyclePolicies"))


def get_backup_enabled(client, file_system_id):
    try:
        result = client.describe_backup_policy(aws_retry=True, FileSystemId=file_system_id)
    except is_boto3_error_code("PolicyNotFound"):
        return False
    return (result.get("BackupPolicy") or {}).get("Status") in ("ENABLED", "ENABLING")


def mount_target_security_groups(client, mount_target_id):
    result = client.describe_mount_target_security_groups(aws_retry=True, MountTargetId=mount_target_id)
    return result.get("SecurityGroups") or []


def read_mount_targets(client, file_system_id):
    """The live (not deleting) mount targets of the file system, each with its SecurityGroups."""
    mount_targets = []
    for mount_target in list_mount_targets(client, file_system_id):
        if mount_target.get("LifeCycleState") in GONE_MOUNT_TARGET_STATES:
            continue
        mount_target = dict(mount_target)
        mount_target["SecurityGroups"] = mount_target_security_groups(client, mount_target["MountTargetId"])
        mount_targets.append(mount_target)
    return mount_targets


def plan_mount_targets(current, wanted):
    """Returns (to_create, to_modify, to_delete).

    to_create: the wanted entries whose subnet has no mount target; to_modify: (mount target, security groups) for
    the existing ones whose security groups differ from the wanted ones (when given); to_delete: the mount targets
    in subnets that are not wanted.
    """
    by_subnet = {mt["SubnetId"]: mt for mt in current}
    wanted_subnets = {entry["subnet_id"] for entry in wanted}
    to_create, to_modify = [], []
    for entry in wanted:
        existing = by_subnet.get(entry["subnet_id"])
        if existing is None:
            to_create.append(entry)
        elif entry.get("security_groups") is not None and sorted(set(entry["security_groups"])) != sorted(
            set(existing.get("SecurityGroups") or [])
        ):
            to_modify.append((existing, entry["security_groups"]))
    to_delete = [mt for mt in current if mt["SubnetId"] not in wanted_subnets]
    return to_create, to_modify, to_delete


def wait_file_system_available(client, file_system_id, timeout):
    def done(fs):
        if fs is None or fs.get("LifeCycleState") == "error":
            raise EFSFileSystemError(f"File system {file_system_id} is {'gone' if fs is None else 'in error'}")
        return fs.get("LifeCycleState") == "available"

    return poll(
        lambda: describe_file_system(client, file_system_id),
        done,
        timeout,
        what=f"file system {file_system_id} to be available",
        max_delay=POLL_MAX_DELAY,
    )


def wait_mount_targets_available(client, file_system_id, timeout):
    def done(mount_targets):
        failed = [mt["MountTargetId"] for mt in mount_targets if mt.get("LifeCycleState") == "error"]
        if failed:
            raise EFSFileSystemError(f"Mount targets {', '.join(failed)} of {file_system_id} are in error")
        return all(mt.get("LifeCycleState") in ("available",) + GONE_MOUNT_TARGET_STATES for mt in mount_targets)

    poll(
        lambda: list_mount_targets(client, file_system_id),
        done,
        timeout,
        what=f"the mount targets of {file_system_id} to be available",
        max_delay=POLL_MAX_DELAY,
    )


def wait_mount_targets_gone(client, file_system_id, timeout):
    poll(
        lambda: list_mount_targets(client, file_system_id),
        lambda mount_targets: not mount_targets,
        timeout,
        what=f"the mount targets of {file_system_id} to be deleted",
        max_delay=POLL_MAX_DELAY,
    )


def summary(fs, mount_targets, lifecycle=None, backup=None):
    """The comparable view of a file system used for diff."""
    if not fs:
        return {}
    result = {
        "creation_token": fs.get("CreationToken"),
        "encrypted": bool(fs.get("Encrypted")),
        "kms_key_id": fs.get("KmsKeyId"),
        "performance_mode": fs.get("PerformanceMode"),
        "throughput_mode": fs.get("ThroughputMode"),
        "provisioned_throughput_in_mibps": fs.get("ProvisionedThroughputInMibps"),
        "mount_targets": sorted(
            (
                {"subnet_id": mt["SubnetId"], "security_groups": sorted(mt.get("SecurityGroups") or [])}
                for mt in mount_targets
            ),
            key=lambda mt: mt["subnet_id"],
        ),
        "tags": tags_of(fs),
    }
    if lifecycle is not None:
        result["lifecycle_policies"] = dict(lifecycle)
    if backup is not None:
        result["backup"] = backup
    return result


def format_result(fs, mount_targets, region, lifecycle=None, backup=None):
    if not fs:
        return {
            "file_system_id": None,
            "arn": None,
            "dns_name": None,
            "life_cycle_state": None,
            "mount_targets": [],
            "tags": {},
            "file_system": {},
        }
    file_system = camel_dict_to_snake_dict(fs, ignore_list=["Tags"])
    file_system["tags"] = tags_of(fs)
    file_system.pop("Tags", None)
    if lifecycle is not None:
        file_system["lifecycle_policies"] = [camel_dict_to_snake_dict(item) for item in lifecycle_policies(lifecycle)]
    if backup is not None:
        file_system["backup_policy"] = {"status": "ENABLED" if backup else "DISABLED"}
    return {
        "file_system_id": fs.get("FileSystemId"),
        "arn": fs.get("FileSystemArn"),
        "dns_name": dns_name(fs.get("FileSystemId"), region),
        "life_cycle_state": fs.get("LifeCycleState"),
        "size_in_bytes": file_system.get("size_in_bytes"),
        "mount_targets": [camel_dict_to_snake_dict(mt) for mt in mount_targets],
        "tags": file_system["tags"],
        "file_system": file_system,
    }


def create_file_system(client, params, tags):
    request = {
        "CreationToken": params["creation_token"],
        "PerformanceMode": params["performance_mode"],
        "Encrypted": params["encrypt"],
        "Tags": tag_list(tags),
    }
    if params.get("kms_key_id"):
        request["KmsKeyId"] = params["kms_key_id"]
    if params.get("throughput_mode"):
        request["ThroughputMode"] = params["throughput_mode"]
    if params.get("provisioned_throughput_in_mibps") is not None:
        request["ProvisionedThroughputInMibps"] = params["provisioned_throughput_in_mibps"]
    if params.get("backup"):
        request["Backup"] = True
    return client.create_file_system(aws_retry=True, **request)


def create_mount_target(client, file_system_id, entry):
    request = {"FileSystemId": file_system_id, "SubnetId": entry["subnet_id"]}
    if entry.get("security_groups") is not None:
        request["SecurityGroups"] = entry["security_groups"]
    if entry.get("ip_address"):
        request["IpAddress"] = entry["ip_address"]
    return client.create_mount_target(aws_retry=True, **request)


def throughput_update(fs, params):
    """The UpdateFileSystem arguments needed to reach the wanted throughput, or {}."""
    wanted_mode = params.get("throughput_mode")
    wanted_mibps = params.get("provisioned_throughput_in_mibps")
    update = {}
    if wanted_mode and wanted_mode != fs.get("ThroughputMode"):
        update["ThroughputMode"] = wanted_mode
    mode = wanted_mode or fs.get("ThroughputMode")
    if mode == "provisioned" and wanted_mibps is not None and wanted_mibps != fs.get("ProvisionedThroughputInMibps"):
        update["ProvisionedThroughputInMibps"] = wanted_mibps
    return update


def ensure_present(client, module, params):
    check_mode = module.check_mode
    tags = wanted_tags(params["name"], params.get("tags"))
    wanted_mts = params.get("mount_targets")
    lifecycle = wanted_lifecycle(params) if lifecycle_managed(params) else None
    existing = find_file_system(client, params["name"], params["creation_token"])

    if existing is None:
        predicted_fs = {
            "CreationToken": params["creation_token"],
            "Encrypted": params["encrypt"],
            "KmsKeyId": params.get("kms_key_id"),
            "PerformanceMode": params["performance_mode"],
            "ThroughputMode": params.get("throughput_mode"),
            "ProvisionedThroughputInMibps": params.get("provisioned_throughput_in_mibps"),
            "Tags": tag_list(create_tags(params["name"], tags)),
        }
        predicted_mts = [
            {"SubnetId": entry["subnet_id"], "SecurityGroups": entry.get("security_groups") or []}
            for entry in wanted_mts or []
        ]
        backup = params.get("backup")
        after = summary(predicted_fs, predicted_mts, lifecycle, backup)
        if check_mode:
            result = format_result(None, [], module.region)
            result.update(changed=True, diff={"before": {}, "after": after})
            result["tags"] = create_tags(params["name"], tags)
            return result

        fs = create_file_system(client, params, create_tags(params["name"], tags))
        file_system_id = fs["FileSystemId"]
        # AWS refuses mount targets (and lifecycle changes) on a file system that is still creating.
        if wanted_mts or lifecycle or params["wait"]:
            fs = wait_file_system_available(client, file_system_id, params["wait_timeout"])
        if lifecycle:
            client.put_lifecycle_configuration(
                aws_retry=True, FileSystemId=file_system_id, LifecyclePolicies=lifecycle_policies(lifecycle)
            )
        for entry in wanted_mts or []:
            create_mount_target(client, file_system_id, entry)
        if params["wait"] and wanted_mts:
            wait_mount_targets_available(client, file_system_id, params["wait_timeout"])
        fs = describe_file_system(client, file_system_id) or fs
        mount_targets = read_mount_targets(client, file_system_id)
        result = format_result(fs, mount_targets, module.region, lifecycle, backup)
        result.update(changed=True, diff={"before": {}, "after": summary(fs, mount_targets, lifecycle, backup)})
        return result

    file_system_id = existing["FileSystemId"]
    differences = immutable_differences(existing, params)
    if differences:
        details = "; ".join(
            f"{key} is {current!r} but {wanted!r} was requested" for key, current, wanted in differences
        )
        raise EFSFileSystemError(
            f"File system {file_system_id} ({params['name']}) cannot be modified: {details}. These attributes are "
            "fixed at creation; create a new file system (and migrate the data) to change them."
        )

    current_mts = read_mount_targets(client, file_system_id)
    current_lifecycle = get_lifecycle(client, file_system_id) if lifecycle is not None else None
    current_backup = get_backup_enabled(client, file_system_id) if params.get("backup") is not None else None
    before = summary(existing, current_mts, current_lifecycle, current_backup)
    changed = False

    # Throughput
    update = throughput_update(existing, params)
    predicted = dict(existing)
    if update:
        changed = True
        predicted.update(update)
        if not check_mode:
            client.update_file_system(aws_retry=True, FileSystemId=file_system_id, **update)

    # Lifecycle configuration
    if lifecycle is not None and lifecycle != current_lifecycle:
        changed = True
        if not check_mode:
            client.put_lifecycle_configuration(
                aws_retry=True, FileSystemId=file_system_id, LifecyclePolicies=lifecycle_policies(lifecycle)
            )

    # Backup policy
    backup = params.get("backup")
    if backup is not None and backup != current_backup:
        changed = True
        if not check_mode:
            client.put_backup_policy(
                aws_retry=True,
                FileSystemId=file_system_id,
                BackupPolicy={"Status": "ENABLED" if backup else "DISABLED"},
            )

    # Mount targets
    predicted_mts = current_mts
    if wanted_mts is not None:
        to_create, to_modify, to_delete = plan_mount_targets(current_mts, wanted_mts)
        if to_create or to_modify or to_delete:
            changed = True
            modified = {mt["MountTargetId"]: groups for mt, groups in to_modify}
            deleted = {mt["MountTargetId"] for mt in to_delete}
            predicted_mts = [
                dict(mt, SecurityGroups=modified.get(mt["MountTargetId"], mt.get("SecurityGroups")))
                for mt in current_mts
                if mt["MountTargetId"] not in deleted
            ] + [{"SubnetId": e["subnet_id"], "SecurityGroups": e.get("security_groups") or []} for e in to_create]
            if not check_mode:
                for mt in to_delete:
                    client.delete_mount_target(aws_retry=True, MountTargetId=mt["MountTargetId"])
                for mt, groups in to_modify:
                    client.modify_mount_target_security_groups(
                        aws_retry=True, MountTargetId=mt["MountTargetId"], SecurityGroups=groups
                    )
                if to_create and existing.get("LifeCycleState") != "available":
                    wait_file_system_available(client, file_system_id, params["wait_timeout"])
                for entry in to_create:
                    create_mount_target(client, file_system_id, entry)

    # Tags
    current_tags = tags_of(existing)
    if ensure_tags(client, check_mode, file_system_id, current_tags, tags, params["purge_tags"]):
        changed = True
    predicted["Tags"] = tag_list(updated_tags(current_tags, tags, params["purge_tags"]))

    after = summary(predicted, predicted_mts, lifecycle, backup if backup is not None else current_backup)

    if params["wait"] and not check_mode:
        wait_file_system_available(client, file_system_id, params["wait_timeout"])
        wait_mount_targets_available(client, file_system_id, params["wait_timeout"])

    if check_mode:
        fs, mount_targets = predicted, predicted_mts
    elif changed or params["wait"]:
        fs = describe_file_system(client, file_system_id) or predicted
        mount_targets = read_mount_targets(client, file_system_id)
    else:
        fs, mount_targets = existing, current_mts
    result = format_result(
        fs,
        mount_targets,
        module.region,
        lifecycle,
        backup if backup is not None else current_backup,
    )
    result.update(changed=changed, diff={"before": before, "after": after})
    return result


def ensure_absent(client, module, params):
    existing = find_file_system(client, params["name"], params["creation_token"])
    if existing is None:
        result = format_result(None, [], module.region)
        result.update(changed=False, diff={"before": {}, "after": {}})
        return result

    file_system_id = existing["FileSystemId"]
    size = (existing.get("SizeInBytes") or {}).get("Value") or 0
    if size > EMPTY_FILE_SYSTEM_BYTES and not params["force"]:
        raise EFSFileSystemError(
            f"Refusing to delete file system {file_system_id} ({params['name']}): its metered size is {size} bytes, "
            f"more than an empty file system's {EMPTY_FILE_SYSTEM_BYTES}, so it holds data. Set force=true to "
            "delete it with its data."
        )

    current_mts = read_mount_targets(client, file_system_id)
    result = format_result(existing, current_mts, module.region)
    result.update(changed=True, diff={"before": summary(existing, current_mts), "after": {}})
    if module.check_mode:
        return result

    for mt in current_mts:
        try:
            client.delete_mount_target(aws_retry=True, MountTargetId=mt["MountTargetId"])
        except is_boto3_error_code("MountTargetNotFound"):
            pass
    wait_mount_targets_gone(client, file_system_id, params["wait_timeout"])
    try:
        client.delete_file_system(aws_retry=True, FileSystemId=file_system_id)
    except is_boto3_error_code("FileSystemNotFound"):
        result["changed"] = False
        return result
    if params["wait"]:
        poll(
            lambda: describe_file_system(client, file_system_id),
            lambda fs: fs is None or fs.get("LifeCycleState") == "deleted",
            params["wait_timeout"],
            what=f"file system {file_system_id} to be deleted",
            max_delay=POLL_MAX_DELAY,
        )
    result["life_cycle_state"] = "deleting"
    return result


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "creation_token": {"type": "str", "no_log": False},
        "encrypt": {"type": "bool", "default": True},
        "kms_key_id": {"type": "str"},
        "performance_mode": {"type": "str", "default": "generalPurpose", "choices": ["generalPurpose", "maxIO"]},
        "throughput_mode": {"type": "str", "choices": ["bursting", "provisioned", "elastic"]},
        "provisioned_throughput_in_mibps": {"type": "float"},
        "transition_to_ia": {
            "type": "str",
            "choices": ["NONE"]
            + [f"AFTER_{d}_DAY" + ("S" if d > 1 else "") for d in (1, 7, 14, 30, 60, 90, 180, 270, 365)],
        },
        "transition_to_primary_storage_class": {"type": "str", "choices": ["NONE", "AFTER_1_ACCESS"]},
        "transition_to_archive": {
            "type": "str",
            "choices": ["NONE"]
            + [f"AFTER_{d}_DAY" + ("S" if d > 1 else "") for d in (1, 7, 14, 30, 60, 90, 180, 270, 365)],
        },
        "backup": {"type": "bool"},
        "mount_targets": {
            "type": "list",
            "elements": "dict",
            "options": {
                "subnet_id": {"type": "str", "required": True},
                "security_groups": {"type": "list", "elements": "str"},
                "ip_address": {"type": "str"},
            },
        },
        "wait": {"type": "bool", "default": False},
        "wait_timeout": {"type": "int", "default": 600},
        "force": {"type": "bool", "default": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("throughput_mode", "provisioned", ["provisioned_throughput_in_mibps"])],
    )
    params = dict(module.params)
    params["creation_token"] = params.get("creation_token") or params["name"]
    if params.get("kms_key_id") and not params["encrypt"]:
        module.fail_json(msg="kms_key_id requires encrypt=true")
    subnets = [entry["subnet_id"] for entry in params.get("mount_targets") or []]
    if len(subnets) != len(set(subnets)):
        module.fail_json(msg="mount_targets: each subnet_id may appear only once")

    client = module.client("efs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if params["state"] == "present":
            result = ensure_present(client, module, params)
        else:
            result = ensure_absent(client, module, params)
    except (EFSFileSystemError, WaitTimeout) as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage EFS file system {params['name']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
