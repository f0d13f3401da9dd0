# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: ecs_task_definition
version_added: 0.2.0
short_description: Register an ECS task definition revision only when its configuration changes
description:
  - Registers a revision of an Amazon ECS task definition family, or deregisters every active revision of it.
  - Why this module exists. C(community.aws.ecs_taskdefinition) registers a new revision on every run unless the
    caller repeats the exact revision (community.aws issue 690), so a converge that changes nothing still creates
    revisions and redeploys services; and it cannot keep the image a service runs, which CI pipelines deploy
    while the collection owns the rest of the configuration.
  - A new revision is registered only when the normalised desired definition differs from the I(comparison
    revision) (and from the family's latest active revision). The comparison revision is the revision the ECS
    service O(service) in O(cluster) runs now when both are given and the service exists, else the family's latest
    C(ACTIVE) revision.
  - Normalisation makes a definition read back from AWS compare equal to the one requested, whatever defaults
    AWS filled in. Port mappings get C(hostPort=containerPort) and C(protocol=tcp); C(essential) defaults to true;
    container C(cpu) 0 and empty lists or dictionaries are dropped; C(environment), C(secrets) and
    C(environmentFiles) are compared by name; C(healthCheck) gets C(interval=30), C(timeout=5) and C(retries=3);
    mount points get C(readOnly=false); EFS volumes get C(rootDirectory=/), C(transitEncryption=DISABLED) and
    C(authorizationConfig.iam=DISABLED); task C(cpu) and C(memory) are strings.
  - "Images: a container whose C(image) has no tag or digest
    (for example C(123456789012.dkr.ecr.us-east-1.amazonaws.com/api)) keeps the image of the container with the
    same name in the comparison revision; when there is none, the image gets the tag O(default_image_tag).
    A container whose C(image) has a tag or a digest uses it as given."
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - V(present) registers a revision when needed; V(absent) deregisters every C(ACTIVE) revision of O(family)
        (and deletes them with C(DeleteTaskDefinitions) when O(delete_inactive=true)).
    type: str
    choices: ['present', 'absent']
    default: present
  family:
    description:
      - The name of the task definition family.
    type: str
    required: true
  cpu:
    description:
      - The task size in CPU units, for example V(512). Required by Fargate.
    type: str
  memory:
    description:
      - The task memory in MiB, for example V(1024). Required by Fargate.
    type: str
  network_mode:
    description:
      - The Docker networking mode of the containers. Fargate requires V(awsvpc).
    type: str
    choices: ['awsvpc', 'bridge', 'host', 'none']
    default: awsvpc
  requires_compatibilities:
    description:
      - The launch types the task definition is validated against.
    type: list
    elements: str
    choices: ['FARGATE', 'EC2', 'EXTERNAL']
    default: ['FARGATE']
  execution_role_arn:
    description:
      - The ARN of the task execution role (pulls images, reads secrets, writes logs).
    type: str
  task_role_arn:
    description:
      - The ARN of the IAM role the containers assume.
    type: str
  runtime_platform:
    description:
      - The operating system and CPU architecture of the task.
    type: dict
    suboptions:
      cpu_architecture:
        description: The CPU architecture.
        type: str
        choices: ['X86_64', 'ARM64']
      operating_system_family:
        description: The operating system family, for example V(LINUX).
        type: str
  containers:
    description:
      - The container definitions, in the shape of the C(containerDefinitions) parameter of the ECS
        C(RegisterTaskDefinition) API (boto3 camelCase keys, for example C(portMappings), C(logConfiguration),
        C(healthCheck), C(mountPoints), C(secrets) with C(valueFrom)).
      - Required with O(state=present). Each container needs C(name) and C(image); see the description for images
        without a tag.
    type: list
    elements: dict
  volumes:
    description:
      - The data volumes, in the shape of the C(volumes) parameter of C(RegisterTaskDefinition) (for example
        C(efsVolumeConfiguration) with C(transitEncryption) and C(authorizationConfig.accessPointId) / C(iam)).
    type: list
    elements: dict
    default: []
  default_image_tag:
    description:
      - The tag given to an image without a tag when the comparison revision has no container of that name.
    type: str
    default: latest
  cluster:
    description:
      - The cluster of O(service).
    type: str
  service:
    description:
      - An ECS service whose current revision is the comparison revision (see the description), for example the
        service this family is deployed by. Ignored when it does not exist or runs another family.
    type: str
  delete_inactive:
    description:
      - With O(state=absent), also delete the deregistered revisions (C(DeleteTaskDefinitions)).
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Task definition revisions are immutable; a tag change on an unchanged definition is applied to the comparison
    revision in place.
seealso:
  - module: stacksmith.aws.ecs_service
  - module: community.aws.ecs_taskdefinition
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: API task definition; the image tag stays the one CI deployed
  stacksmith.aws.ecs_task_definition:
    family: shop-prod-api
    cpu: "512"
    memory: "1024"
    execution_role_arn: arn:aws:iam::123456789012:role/shop-prod-ecs-execution
    task_role_arn: arn:aws:iam::123456789012:role/shop-prod-api-task
    cluster: shop-prod-cluster
    service: shop-prod-api
    containers:
      - name: api
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api
        portMappings:
          - containerPort: 3001
        environment:
          - name: NODE_ENV
            value: production
        secrets:
          - name: JWT_SECRET
            valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/shop/api-AbCdEf:JWT_SECRET::"
        healthCheck:
          command: ["CMD-SHELL", "wget -qO- http://localhost:3001/api/v1/health || exit 1"]
        mountPoints:
          - sourceVolume: storage
            containerPath: /app/storage
        logConfiguration:
          logDriver: awslogs
          options:
            awslogs-group: /ecs/shop/prod/api
            awslogs-region: us-east-1
            awslogs-stream-prefix: api
    volumes:
      - name: storage
        efsVolumeConfiguration:
          fileSystemId: fs-0123456789abcdef0
          transitEncryption: ENABLED
          authorizationConfig:
            accessPointId: fsap-0123456789abcdef0
            iam: ENABLED
    tags:
      stack: shop-prod
  register: api_task

- name: Deploy a given image tag (registers a revision only if it differs)
  stacksmith.aws.ecs_task_definition:
    family: shop-prod-web
    cpu: "512"
    memory: "1024"
    containers:
      - name: web
        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-web:1.4.2
        portMappings:
          - containerPort: 3000

- name: Deregister every revision of a family
  stacksmith.aws.ecs_task_definition:
    family: shop-prod-web
    state: absent
"""

RETURN = r"""
task_definition_arn:
  description:
    - The ARN of the revision that matches the request (registered now or found).
    - V(null) in check mode when a revision would be registered, and with O(state=absent).
  returned: always
  type: str
  sample: arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-api:7
family:
  description: The family.
  returned: always
  type: str
  sample: shop-prod-api
revision:
  description:
    - The revision number of RV(task_definition_arn); V(null) when there is none.
  returned: always
  type: int
  sample: 7
images:
  description:
    - The image of each container, by container name, as registered (or as it would be registered in check mode).
  returned: when O(state=present)
  type: dict
  sample: {"api": "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api:1.4.2"}
task_definition:
  description:
    - The task definition as C(DescribeTaskDefinition) reports it, snake_cased (tags as a dict); in check mode, when
      a revision would be registered, the requested definition.
  returned: when O(state=present)
  type: dict
  sample: {"family": "shop-prod-api", "revision": 7, "cpu": "512", "memory": "1024", "status": "ACTIVE"}
deregistered:
  description: The ARNs of the revisions deregistered (or that would be, in check mode).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: ["arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:3"]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs import ECSModuleError
from ansible_collections.stacksmith.aws.plugins.module_utils.ecs_task_definition import ensure_absent, ensure_present


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "family": {"type": "str", "required": True},
        "cpu": {"type": "str"},
        "memory": {"type": "str"},
        "network_mode": {"type": "str", "default": "awsvpc", "choices": ["awsvpc", "bridge", "host", "none"]},
        "requires_compatibilities": {
            "type": "list",
            "elements": "str",
            "default": ["FARGATE"],
            "choices": ["FARGATE", "EC2", "EXTERNAL"],
        },
        "execution_role_arn": {"type": "str"},
        "task_role_arn": {"type": "str"},
        "runtime_platform": {
            "type": "dict",
            "options": {
                "cpu_architecture": {"type": "str", "choices": ["X86_64", "ARM64"]},
                "operating_system_family": {"type": "str"},
            },
        },
        "containers": {"type": "list", "elements": "dict"},
        "volumes": {"type": "list", "elements": "dict", "default": []},
        "default_image_tag": {"type": "str", "default": "latest"},
        "cluster": {"type": "str"},
        "service": {"type": "str"},
        "delete_inactive": {"type": "bool", "default": True},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["containers"])],
        required_together=[("cluster", "service")],
    )
    client = module.client("ecs", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module.check_mode, module.params)
        else:
            result = ensure_absent(client, module.check_mode, module.params)
    except ECSModuleError as e:
        module.fail_json(msg=e.message, **e.kwargs)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg=f"Failed to manage task definition family {module.params['family']}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
