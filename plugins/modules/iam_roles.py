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

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.stacksmith.aws.plugins.module_utils.iam_roles import (
    CONFIG_OPTIONS,
    RoleSet,
    attach_requests,
    check_existing,
    create_request,
    normalize_config,
    planned_role,
    put_requests,
    view,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    resource_set_argument_spec,
)


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
