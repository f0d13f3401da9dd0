# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ecr_repository
version_added: 0.2.0
short_description: Manage an Amazon ECR private repository with tags, lifecycle policy and safe deletion
description:
  - Creates, updates or deletes one Amazon ECR private repository, its lifecycle policy, its repository policy
    and its tags.
  - C(community.aws.ecs_ecr) cannot tag a repository (ownership tags are how this collection finds what a stack
    owns), so this module replaces it, following the conventions of the C(amazon.aws) modules (check mode, diff
    mode, O(tags) and O(purge_tags), retries on throttling).
  - Scan on push (C(PutImageScanningConfiguration)), tag mutability (C(PutImageTagMutability)), the lifecycle
    policy, the repository policy and the tags are updated in place; only what differs is written, so a second
    run with the same input makes no write call. Policies are compared as parsed JSON (lifecycle rules in
    priority order), not as text.
  - The encryption configuration cannot be changed once the repository exists; asking for another one fails.
  - With O(state=absent) a repository that still holds images is refused unless O(force_delete=true); the
    message names the repository and its image count.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Create or update (V(present)) or delete (V(absent)) the repository.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The name of the repository, for example V(shop-prod-api).
    type: str
    required: true
    aliases: ['repository_name']
  registry_id:
    description:
      - The AWS account ID of the registry. Defaults to the account of the credentials.
    type: str
  scan_on_push:
    description:
      - Whether images are scanned for vulnerabilities after being pushed.
      - When not set, a new repository is created without scan on push and an existing one is left as it is.
    type: bool
  image_tag_mutability:
    description:
      - Whether image tags can be overwritten.
      - When not set, a new repository is V(MUTABLE) and an existing one is left as it is.
    type: str
    choices: ['MUTABLE', 'IMMUTABLE']
  encryption_configuration:
    description:
      - How images are encrypted at rest. Cannot be changed once the repository exists.
      - When not set, a new repository is encrypted with V(AES256) (SSE-S3) and the setting of an existing one is
        not compared.
    type: dict
    suboptions:
      encryption_type:
        description: The encryption type.
        type: str
        choices: ['AES256', 'KMS', 'KMS_DSSE']
        default: AES256
      kms_key:
        description:
          - The KMS key (ID, ARN or alias) for V(KMS) and V(KMS_DSSE); the AWS managed key when not set.
          - Compared with an existing repository only when given as a key ARN.
        type: str
  lifecycle_policy:
    description:
      - The lifecycle policy, as a dictionary or a JSON string, with a list of C(rules).
      - When not set, the lifecycle policy is left as it is, unless O(purge_lifecycle_policy=true).
    type: json
  purge_lifecycle_policy:
    description:
      - Remove the lifecycle policy when O(lifecycle_policy) is not set.
    type: bool
    default: false
  policy:
    description:
      - The repository policy (who may pull or push), as a dictionary or a JSON string.
      - When not set, the repository policy is left as it is, unless O(purge_policy=true).
    type: json
  purge_policy:
    description:
      - Remove the repository policy when O(policy) is not set.
    type: bool
    default: false
  owner_tags:
    description:
      - With O(state=absent), delete the repository only when it carries all these tags; otherwise leave it,
        report no change and warn. Used by teardowns so that a repository of another stack with the same name is
        never deleted.
    type: dict
  force_delete:
    description:
      - With O(state=absent), delete the repository even if it holds images (the images are deleted too).
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
  - module: community.aws.ecs_ecr
  - name: Amazon ECR private repositories
    description: The AWS documentation on ECR repositories.
    link: https://docs.aws.amazon.com/AmazonECR/latest/userguide/Repositories.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: A repository that keeps the 30 newest images and expires untagged ones after 7 days
  stacksmith.aws.ecr_repository:
    name: shop-prod-api
    scan_on_push: true
    image_tag_mutability: MUTABLE
    lifecycle_policy:
      rules:
        - rulePriority: 1
          description: Expire untagged images after 7 days
          selection:
            tagStatus: untagged
            countType: sinceImagePushed
            countUnit: days
            countNumber: 7
          action:
            type: expire
        - rulePriority: 2
          description: Keep the 30 newest images
          selection:
            tagStatus: any
            countType: imageCountMoreThan
            countNumber: 30
          action:
            type: expire
    tags:
      stack: shop-prod
  register: repository

- name: Delete the repository (fails while it holds images)
  stacksmith.aws.ecr_repository:
    name: shop-prod-api
    state: absent

- name: Delete the repository and its images
  stacksmith.aws.ecr_repository:
    name: shop-prod-api
    state: absent
    force_delete: true
    owner_tags:
      stack: shop-prod
"""

RETURN = r"""
repository:
  description:
    - The repository, as described by ECR C(DescribeRepositories).
    - In check mode, when the repository would be created, the attributes it would be created with.
    - An empty dictionary when O(state=absent).
  returned: always
  type: complex
  contains:
    repository_arn:
      description: The ARN of the repository.
      returned: when the repository exists
      type: str
      sample: arn:aws:ecr:us-east-1:123456789012:repository/shop-prod-api
    repository_name:
      description: The name of the repository.
      returned: when O(state=present)
      type: str
      sample: shop-prod-api
    repository_uri:
      description: The URI to push to and pull from.
      returned: when the repository exists
      type: str
      sample: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api
    registry_id:
      description: The AWS account ID of the registry.
      returned: when the repository exists
      type: str
      sample: "123456789012"
    created_at:
      description: When the repository was created.
      returned: when the repository exists
      type: str
      sample: "2024-05-21T13:21:10+00:00"
    image_tag_mutability:
      description: Whether image tags can be overwritten.
      returned: when O(state=present)
      type: str
      sample: MUTABLE
    image_scanning_configuration:
      description: The scanning configuration.
      returned: when O(state=present)
      type: dict
      sample: {"scan_on_push": true}
    encryption_configuration:
      description: The encryption configuration.
      returned: when O(state=present)
      type: dict
      sample: {"encryption_type": "AES256"}
lifecycle_policy:
  description: The lifecycle policy of the repository (parsed JSON), or V(null) when it has none.
  returned: always
  type: dict
  sample: {"rules": [{"rulePriority": 1, "selection": {}, "action": {"type": "expire"}}]}
policy:
  description: The repository policy (parsed JSON), or V(null) when it has none.
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": []}
tags:
  description: The tags of the repository.
  returned: always
  type: dict
  sample: {"stack": "shop-prod"}
"""

import json

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

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

DEFAULT_ENCRYPTION_TYPE = "AES256"
DEFAULT_TAG_MUTABILITY = "MUTABLE"


class RepositoryError(Exception):
    pass


def _registry(params):
    return {"registryId": params["registry_id"]} if params.get("registry_id") else {}


def parse_policy(policy, option):
    """A policy option (dict or JSON string) as a dict; None when not set."""
    if policy is None or policy == "":
        return None
    if isinstance(policy, dict):
        return policy
    try:
        parsed = json.loads(policy)
    except ValueError as e:
        raise RepositoryError(f"{option} is not valid JSON: {e}") from e
    if not isinstance(parsed, dict):
        raise RepositoryError(f"{option} must be a JSON object")
    return parsed


def normalize_lifecycle_policy(policy):
    """A lifecycle policy with its rules in priority order, for comparison."""
    if policy is None:
        return None
    normalized = dict(policy)
    normalized["rules"] = sorted(policy.get("rules") or [], key=lambda rule: rule.get("rulePriority", 0))
    return normalized


def get_repository(client, params):
    try:
        response = client.describe_repositories(aws_retry=True, repositoryNames=[params["name"]], **_registry(params))
    except is_boto3_error_code("RepositoryNotFoundException"):
        return None
    repositories = response.get("repositories") or []
    return repositories[0] if repositories else None


def get_lifecycle_policy(client, params):
    try:
        response = client.get_lifecycle_policy(aws_retry=True, repositoryName=params["name"], **_registry(params))
    except is_boto3_error_code(["LifecyclePolicyNotFoundException", "RepositoryNotFoundException"]):
        return None
    return json.loads(response["lifecyclePolicyText"])


def get_repository_policy(client, params):
    try:
        response = client.get_repository_policy(aws_retry=True, repositoryName=params["name"], **_registry(params))
    except is_boto3_error_code(["RepositoryPolicyNotFoundException", "RepositoryNotFoundException"]):
        return None
    return json.loads(response["policyText"])


def get_tags(client, arn):
    response = client.list_tags_for_resource(aws_retry=True, resourceArn=arn)
    return boto3_tag_list_to_ansible_dict(response.get("tags") or [])


def count_images(client, params):
    paginator = client.get_paginator("describe_images")
    pages = paginator.paginate(repositoryName=params["name"], **_registry(params))
    return sum(len(page.get("imageDetails") or []) for page in pages)


def format_repository(repository):
    if not repository:
        return {}
    return camel_dict_to_snake_dict(repository)


def requested_encryption(params):
    encryption = params.get("encryption_configuration")
    if encryption is None:
        return None
    request = {"encryptionType": encryption.get("encryption_type") or DEFAULT_ENCRYPTION_TYPE}
    if encryption.get("kms_key"):
        request["kmsKey"] = encryption["kms_key"]
    return request


def encryption_differences(repository, params):
    """Differences between the requested and the current (immutable) encryption configuration."""
    wanted = requested_encryption(params)
    if wanted is None:
        return []
    current = repository.get("encryptionConfiguration") or {"encryptionType": DEFAULT_ENCRYPTION_TYPE}
    differences = []
    if wanted["encryptionType"] != current.get("encryptionType"):
        differences.append(("encryption_type", current.get("encryptionType"), wanted["encryptionType"]))
    key = wanted.get("kmsKey")
    if key and key.startswith("arn:") and ":key/" in key and key != current.get("kmsKey"):
        differences.append(("kms_key", current.get("kmsKey"), key))
    return differences


def build_create_params(params):
    request = {
        "repositoryName": params["name"],
        "imageTagMutability": params.get("image_tag_mutability") or DEFAULT_TAG_MUTABILITY,
        "imageScanningConfiguration": {"scanOnPush": bool(params.get("scan_on_push"))},
        "encryptionConfiguration": requested_encryption(params) or {"encryptionType": DEFAULT_ENCRYPTION_TYPE},
    }
    request.update(_registry(params))
    if params.get("tags"):
        request["tags"] = boto3_tag_list(params["tags"])
    return request


def predict_repository(params):
    request = build_create_params(params)
    request.pop("tags", None)
    return format_repository(request)


class Repository:
    """Converges one repository; every update_x returns whether x changed and writes nothing in check mode."""

    def __init__(self, client, module, params):
        self.client = client
        self.module = module
        self.params = params
        self.registry = _registry(params)

    def write(self, method, **kwargs):
        if not self.module.check_mode:
            getattr(self.client, method)(aws_retry=True, repositoryName=self.params["name"], **self.registry, **kwargs)

    def update_scan_on_push(self, repository, after):
        wanted = self.params.get("scan_on_push")
        current = bool((repository.get("imageScanningConfiguration") or {}).get("scanOnPush"))
        if wanted is None or wanted == current:
            return False
        after["image_scanning_configuration"] = {"scan_on_push": wanted}
        self.write("put_image_scanning_configuration", imageScanningConfiguration={"scanOnPush": wanted})
        return True

    def update_tag_mutability(self, repository, after):
        wanted = self.params.get("image_tag_mutability")
        if wanted is None or wanted == repository.get("imageTagMutability", DEFAULT_TAG_MUTABILITY):
            return False
        after["image_tag_mutability"] = wanted
        self.write("put_image_tag_mutability", imageTagMutability=wanted)
        return True

    def update_lifecycle_policy(self, current, result):
        wanted = parse_policy(self.params.get("lifecycle_policy"), "lifecycle_policy")
        if wanted is None:
            if current is None or not self.params.get("purge_lifecycle_policy"):
                return False
            result["lifecycle_policy"] = None
            self.write("delete_lifecycle_policy")
            return True
        if normalize_lifecycle_policy(wanted) == normalize_lifecycle_policy(current):
            return False
        result["lifecycle_policy"] = wanted
        self.write("put_lifecycle_policy", lifecyclePolicyText=json.dumps(wanted))
        return True

    def update_policy(self, current, result):
        wanted = parse_policy(self.params.get("policy"), "policy")
        if wanted is None:
            if current is None or not self.params.get("purge_policy"):
                return False
            result["policy"] = None
            self.write("delete_repository_policy")
            return True
        if current is not None and not compare_policies(current, wanted):
            return False
        result["policy"] = wanted
        self.write("set_repository_policy", policyText=json.dumps(wanted))
        return True

    def update_tags(self, arn, current, result):
        tags = self.params.get("tags")
        if tags is None:
            return False
        purge = self.params.get("purge_tags", True)
        to_set, to_unset = compare_tags(current, tags, purge_tags=purge)
        if not to_set and not to_unset:
            return False
        updated = {key: value for key, value in current.items() if key not in to_unset}
        updated.update(to_set)
        result["tags"] = updated
        if not self.module.check_mode:
            if to_unset:
                self.client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=list(to_unset))
            if to_set:
                self.client.tag_resource(aws_retry=True, resourceArn=arn, tags=boto3_tag_list(to_set))
        return True


def ensure_present(client, module, params):
    converger = Repository(client, module, params)
    # Parse the policies first: bad JSON fails before any write.
    parse_policy(params.get("lifecycle_policy"), "lifecycle_policy")
    parse_policy(params.get("policy"), "policy")

    repository = get_repository(client, params)
    if repository is None:
        result = {
            "changed": True,
            "repository": predict_repository(params),
            "lifecycle_policy": None,
            "policy": None,
            "tags": dict(params.get("tags") or {}),
        }
        if not module.check_mode:
            repository = client.create_repository(aws_retry=True, **build_create_params(params))["repository"]
            result["repository"] = format_repository(repository)
        converger.update_lifecycle_policy(None, result)
        converger.update_policy(None, result)
        result["diff"] = {"before": {}, "after": dict((k, v) for k, v in result.items() if k != "changed")}
        return result

    differences = encryption_differences(repository, params)
    if differences:
        details = "; ".join(f"{name} is {cur!r} but {want!r} was requested" for name, cur, want in differences)
        raise RepositoryError(
            f"The encryption configuration of ECR repository {params['name']} cannot be changed: {details}. "
            "Create a new repository (and move the images) to change it."
        )

    before = {
        "repository": format_repository(repository),
        "lifecycle_policy": get_lifecycle_policy(client, params),
        "policy": get_repository_policy(client, params),
        "tags": get_tags(client, repository["repositoryArn"]),
    }
    after = {key: (dict(value) if isinstance(value, dict) else value) for key, value in before.items()}
    changed = converger.update_scan_on_push(repository, after["repository"])
    changed |= converger.update_tag_mutability(repository, after["repository"])
    changed |= converger.update_lifecycle_policy(before["lifecycle_policy"], after)
    changed |= converger.update_policy(before["policy"], after)
    changed |= converger.update_tags(repository["repositoryArn"], before["tags"], after)
    if changed and not module.check_mode:
        after["repository"] = format_repository(get_repository(client, params) or repository)
    return {"changed": changed, **after, "diff": {"before": before, "after": after}}


def ensure_absent(client, module, params):
    empty = {"repository": {}, "lifecycle_policy": None, "policy": None, "tags": {}}
    repository = get_repository(client, params)
    if repository is None:
        return {"changed": False, **empty, "diff": {"before": {}, "after": {}}}

    owner_tags = params.get("owner_tags") or {}
    if owner_tags:
        current_tags = get_tags(client, repository["repositoryArn"])
        foreign = {key: value for key, value in owner_tags.items() if current_tags.get(key) != str(value)}
        if foreign:
            module.warn(
                f"ECR repository {params['name']} is not deleted: it does not carry the owner tags "
                + ", ".join(f"{key}={value}" for key, value in sorted(foreign.items()))
            )
            return {"changed": False, **empty, "diff": {"before": {}, "after": {}}}

    force = params.get("force_delete")
    if not force:
        images = count_images(client, params)
        if images:
            raise RepositoryError(
                f"Refusing to delete ECR repository {params['name']}: it holds {images} image(s). "
                "Set force_delete: true (registry_force_delete in the registry role) to delete it with its images."
            )
    if not module.check_mode:
        try:
            client.delete_repository(
                aws_retry=True, repositoryName=params["name"], force=bool(force), **_registry(params)
            )
        except is_boto3_error_code("RepositoryNotFoundException"):
            return {"changed": False, **empty, "diff": {"before": {}, "after": {}}}
        except is_boto3_error_code("RepositoryNotEmptyException") as e:  # an image pushed since we counted
            raise RepositoryError(
                f"Refusing to delete ECR repository {params['name']}: it holds images. Set force_delete: true "
                "to delete it with its images."
            ) from e
    return {"changed": True, **empty, "diff": {"before": {"repository": format_repository(repository)}, "after": {}}}


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True, "aliases": ["repository_name"]},
        "registry_id": {"type": "str"},
        "scan_on_push": {"type": "bool"},
        "image_tag_mutability": {"type": "str", "choices": ["MUTABLE", "IMMUTABLE"]},
        "encryption_configuration": {
            "type": "dict",
            "options": {
                "encryption_type": {"type": "str", "default": "AES256", "choices": ["AES256", "KMS", "KMS_DSSE"]},
                "kms_key": {"type": "str", "no_log": False},
            },
        },
        "lifecycle_policy": {"type": "json"},
        "purge_lifecycle_policy": {"type": "bool", "default": False},
        "policy": {"type": "json"},
        "purge_policy": {"type": "bool", "default": False},
        "force_delete": {"type": "bool", "default": False},
        "owner_tags": {"type": "dict"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client("ecr", retry_decorator=AWSRetry.jittered_backoff())

    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module, module.params)
        else:
            result = ensure_absent(client, module, module.params)
    except RepositoryError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage ECR repository {module.params['name']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
