# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: wafv2_web_acl
version_added: 0.3.0
short_description: Manage an AWS WAFv2 web ACL, its rules and the resources it protects
description:
  - Creates, updates or deletes one AWS WAFv2 web ACL (found by O(name) in O(scope)), its rules, default action,
    visibility configuration and tags, and, for a V(REGIONAL) web ACL, the resources it is associated with
    (Application Load Balancers, API Gateway stages, ...).
  - "Why this module exists. C(community.aws.wafv2_web_acl) compares the existing rules with the requested ones by
    exact dictionary equality, but AWS returns rules with server-side defaults the request did not contain (for
    example C(EvaluationWindowSec=300) in a C(RateBasedStatement)), so it calls C(UpdateWebACL) on every run unless
    every default is spelled out. It does not compare the visibility configuration (a changed metric name or sampling
    setting is only applied when something else changes), returns no diff, creates its client without a retry
    decorator (its one decorated helper catches the errors itself, so AWSRetry retries nothing beyond botocore's own
    attempts) and does not retry C(WAFOptimisticLockException), and deletes a web ACL without disassociating it
    first, which AWS refuses with C(WAFAssociatedItemException) while the web ACL protects a resource.
    C(community.aws.wafv2_resources) manages one association per task through C(ListResourcesForWebACL) without a
    resource type (so it sees only Application Load Balancers), and has no diff and no retries either."
  - Rules are compared as a subset. Every key and value given in O(rules) must match what AWS returns; a scalar key
    that AWS returns but the rule does not give is a server-side default and is ignored (for the documented default
    C(EvaluationWindowSec=300) of a C(RateBasedStatement), a different value counts as a difference); a non-empty
    structure or list that AWS returns but the rule does not give (for example a C(ScopeDownStatement) removed from
    the request) is a difference. Lists are compared element by element and must have the same length; rules are
    paired in C(Priority) order. Values are converted to the types of the WAFv2 API model first (a templated
    V("2000") is the integer V(2000)), and the request is validated against the model before any call.
  - A change is applied with one C(UpdateWebACL) carrying the lock token of the C(GetWebACL) that found it, and the
    settings this module does not manage (custom response bodies, CAPTCHA and challenge configuration, token domains,
    association configuration, ...) as they are. On C(WAFOptimisticLockException) the web ACL is read again and the
    update retried.
  - "O(state=absent) disassociates every resource the web ACL protects (the resource types C(ListResourcesForWebACL)
    knows: C(APPLICATION_LOAD_BALANCER), C(API_GATEWAY), C(APPSYNC), C(COGNITO_USER_POOL), C(APP_RUNNER_SERVICE),
    C(VERIFIED_ACCESS_INSTANCE), C(AGENTCORE_GATEWAY)), then deletes it with its lock token."
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  name:
    description: The name of the web ACL, unique in its scope and region.
    type: str
    required: true
  scope:
    description:
      - V(REGIONAL) for a web ACL that protects regional resources (ALB, API Gateway, AppSync, Cognito, App Runner,
        Verified Access); V(CLOUDFRONT) for one that CloudFront distributions use.
      - A V(CLOUDFRONT) web ACL is always managed in C(us-east-1), whatever the region given.
    type: str
    choices: ['REGIONAL', 'CLOUDFRONT']
    default: REGIONAL
  state:
    description: Create or update (V(present)) or delete (V(absent)) the web ACL.
    type: str
    choices: ['present', 'absent']
    default: present
  description:
    description:
      - The description of the web ACL.
      - When omitted, the description of an existing web ACL is left as it is; an empty string removes it.
    type: str
  default_action:
    description: What WAF does with a request that no rule matched.
    type: str
    choices: ['allow', 'block']
    default: allow
  rules:
    description:
      - The complete list of rules of the web ACL, each a dictionary in the WAFv2 API shape exactly as C(CreateWebACL)
        takes it (C(Name), C(Priority), C(Statement), C(Action) or C(OverrideAction), C(VisibilityConfig), and
        optionally C(RuleLabels), C(CaptchaConfig), C(ChallengeConfig)). Keys are not converted from snake_case.
      - Rules of the web ACL that are not listed are removed.
      - Required with O(state=present).
    type: list
    elements: dict
  visibility_config:
    description: CloudWatch metrics and sampled requests of the web ACL itself (each rule has its own).
    type: dict
    suboptions:
      sampled_requests_enabled:
        description: Whether WAF keeps samples of the requests the web ACL inspects.
        type: bool
        default: true
      cloudwatch_metrics_enabled:
        description: Whether the web ACL sends metrics to CloudWatch.
        type: bool
        default: true
      metric_name:
        description: The CloudWatch metric name. Defaults to O(name).
        type: str
  associations:
    description:
      - ARNs of the regional resources the web ACL protects (an Application Load Balancer, an API Gateway stage
        C(arn:aws:apigateway:REGION::/restapis/ID/stages/NAME), ...). A resource that another web ACL protects is
        moved to this one.
      - V(null) (the default) leaves the associations as they are.
      - Only with O(scope=REGIONAL); a CloudFront distribution names its web ACL in its own configuration.
    type: list
    elements: str
  purge_associations:
    description:
      - Disassociate the resources this web ACL protects that are not in O(associations).
      - Ignored when O(associations) is V(null).
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
  - Right after a resource is created (an ALB in particular) AWS can answer C(WAFUnavailableEntityException) for a
    while; associating retries it with a jittered backoff (several minutes at most).
  - The diff shows the rules reduced to the keys the request gives (plus any non-default key AWS holds that the
    request lacks), the default action, the visibility configuration, the description, the associations and the tags.
seealso:
  - module: community.aws.wafv2_web_acl
  - module: community.aws.wafv2_resources
  - name: WAFv2 UpdateWebACL
    description: The API reference of UpdateWebACL (replaces the whole mutable configuration).
    link: https://docs.aws.amazon.com/waf/latest/APIReference/API_UpdateWebACL.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Rate limit per IP and three AWS managed rule groups, associated with the ALB
  stacksmith.aws.wafv2_web_acl:
    name: shop-prod-waf
    scope: REGIONAL
    default_action: allow
    rules:
      - Name: RateLimitPerIP
        Priority: 0
        Action:
          Block: {}
        Statement:
          RateBasedStatement:
            Limit: 2000
            AggregateKeyType: IP
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: RateLimitPerIP
      - Name: AWSManagedRulesCommonRuleSet
        Priority: 1
        OverrideAction:
          None: {}
        Statement:
          ManagedRuleGroupStatement:
            VendorName: AWS
            Name: AWSManagedRulesCommonRuleSet
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: AWSManagedRulesCommonRuleSet
    associations:
      - arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod-alb/50dc6c495c0c9188
    tags:
      stack: shop-prod
  register: waf

- name: Delete the web ACL (its resources are disassociated first)
  stacksmith.aws.wafv2_web_acl:
    name: shop-prod-waf
    state: absent
"""

RETURN = r"""
web_acl:
  description:
    - The web ACL after the run. In check mode, for a web ACL that would be created, the requested values with
      C(arn) and C(id) V((known after apply)).
    - An empty dictionary when O(state=absent) and the web ACL did not exist.
  returned: always
  type: dict
  contains:
    arn:
      description: The ARN of the web ACL.
      type: str
      sample: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shop-prod-waf/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
    id:
      description: The ID of the web ACL.
      type: str
      sample: a1b2c3d4-5678-90ab-cdef-EXAMPLE11111
    name:
      description: The name of the web ACL.
      type: str
      sample: shop-prod-waf
    scope:
      description: The scope of the web ACL.
      type: str
      sample: REGIONAL
    description:
      description: The description of the web ACL (V(null) when it has none).
      type: str
      sample: Rate limit and AWS managed rules
    capacity:
      description: The web ACL capacity units (WCU) the rules use (V(null) in check mode before a create).
      type: int
      sample: 927
    default_action:
      description: The default action, V(allow) or V(block).
      type: str
      sample: allow
    rules:
      description: The rules as AWS returns them (API shape, server-side defaults included; blobs as strings).
      type: list
      elements: dict
      sample:
        - Name: RateLimitPerIP
          Priority: 0
          Action: {"Block": {}}
          Statement: {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP", "EvaluationWindowSec": 300}}
          VisibilityConfig:
            SampledRequestsEnabled: true
            CloudWatchMetricsEnabled: true
            MetricName: RateLimitPerIP
    visibility_config:
      description: The visibility configuration of the web ACL.
      type: dict
      sample: {"sampled_requests_enabled": true, "cloudwatch_metrics_enabled": true, "metric_name": "shop-prod-waf"}
    tags:
      description: The tags of the web ACL.
      type: dict
      sample: {"stack": "shop-prod"}
    associations:
      description:
        - ARNs of the resources the web ACL protects, sorted (always empty for a V(CLOUDFRONT) web ACL, whose
          distributions are not listed).
      type: list
      elements: str
      sample: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod-alb/50dc6c495c0c9188"]
"""

from contextlib import contextmanager

try:
    import botocore
    from botocore.validate import ParamValidator
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
)

UNKNOWN = "(known after apply)"
# The regional resource types of ListResourcesForWebACL (botocore's ResourceType enum without AMPLIFY, whose
# web ACLs have the CLOUDFRONT scope). Only APPLICATION_LOAD_BALANCER is available in every region.
REGIONAL_RESOURCE_TYPES = (
    "APPLICATION_LOAD_BALANCER",
    "API_GATEWAY",
    "APPSYNC",
    "COGNITO_USER_POOL",
    "APP_RUNNER_SERVICE",
    "VERIFIED_ACCESS_INSTANCE",
    "AGENTCORE_GATEWAY",
)
# Documented server-side defaults, by the key of the structure that holds them: a request that omits the key gets
# this value (RateBasedStatement: "EvaluationWindowSec ... Default: 300").
SERVER_DEFAULTS = {"RateBasedStatement": {"EvaluationWindowSec": 300}}
# UpdateWebACL members this module sets itself; the others are copied from GetWebACL so that the update, which
# replaces the whole mutable configuration, keeps them.
MANAGED_UPDATE_KEYS = ("Name", "Scope", "Id", "LockToken", "DefaultAction", "Description", "Rules", "VisibilityConfig")
LOCK_ATTEMPTS = 5
# Retried on every call besides AWSRetry's own list (which has the query protocol's "Throttling" but not the JSON
# protocol's "ThrottlingException" WAFv2 sends); WAFInternalErrorException asks the caller to retry.
RETRY_CODES = ["ThrottlingException", "WAFInternalErrorException"]
# AWS answers WAFUnavailableEntityException for a while after a resource (an ALB) or a web ACL is created.
association_retry = AWSRetry.jittered_backoff(
    retries=10, delay=3, max_delay=30, catch_extra_error_codes=RETRY_CODES + ["WAFUnavailableEntityException"]
)
# After DisassociateWebACL, DeleteWebACL can still see the association for a moment.
delete_retry = AWSRetry.jittered_backoff(
    retries=8, delay=2, max_delay=20, catch_extra_error_codes=RETRY_CODES + ["WAFAssociatedItemException"]
)


class WebACLError(Exception):
    pass


class AWSStepError(Exception):
    def __init__(self, what, error):
        super().__init__(what)
        self.what = what
        self.error = error


@contextmanager
def doing(what):
    """Name the step for the error message when an AWS call in the block fails."""
    try:
        yield
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        raise AWSStepError(what, e) from e


# -- request normalisation -------------------------------------------------------------------------------------------


def without_none(value):
    """The value without None members (an omitted key in YAML templating often arrives as null)."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value if v is not None]
    return value


def to_model_types(value, shape):
    """Convert scalars to the type the API model gives them (templating can turn 2000 into "2000")."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: to_model_types(v, shape.members.get(k)) for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [to_model_types(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: to_model_types(v, shape.value) for k, v in value.items()}
    if shape.type_name in ("integer", "long") and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if shape.type_name == "boolean" and isinstance(value, str):
        try:
            return boolean(value, strict=True)
        except TypeError:
            return value
    if shape.type_name == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def from_aws(value):
    """AWS's answer with blobs (bytes) as text, so that it compares with a request and serialises as JSON."""
    if isinstance(value, dict):
        return {k: from_aws(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [from_aws(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def by_priority(rules):
    return sorted(rules, key=lambda rule: (rule.get("Priority") is None, rule.get("Priority") or 0))


def wanted_rules(rules, rule_shape):
    """The requested rules, nulls dropped, converted to the model's types, in Priority order."""
    return by_priority([to_model_types(without_none(rule), rule_shape) for rule in rules or []])


def rule_problems(rules):
    """Problems AWS would reject the rules for, found before any call."""
    problems = []
    names, priorities = {}, {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            problems.append(f"rules[{index}] is not a dictionary")
            continue
        name, priority = rule.get("Name"), rule.get("Priority")
        if name in names:
            problems.append(f"rules[{index}] and rules[{names[name]}] have the same Name {name!r}")
        names.setdefault(name, index)
        if priority in priorities:
            problems.append(f"rules[{index}] and rules[{priorities[priority]}] have the same Priority {priority!r}")
        priorities.setdefault(priority, index)
    return problems


def validate_request(service_model, operation, request):
    """Errors of the request against the botocore model of the operation, as one message (None when valid)."""
    report = ParamValidator().validate(request, service_model.operation_model(operation).input_shape)
    return report.generate_report() if report.has_errors() else None


def default_action_request(action):
    return {"Block": {}} if action == "block" else {"Allow": {}}


def default_action_name(action):
    action = action or {}
    return "block" if "Block" in action else "allow" if "Allow" in action else None


def visibility_request(params):
    config = params.get("visibility_config") or {}
    return {
        "SampledRequestsEnabled": bool(config.get("sampled_requests_enabled", True)),
        "CloudWatchMetricsEnabled": bool(config.get("cloudwatch_metrics_enabled", True)),
        "MetricName": config.get("metric_name") or params["name"],
    }


def visibility_snake(config):
    config = config or {}
    return {
        "sampled_requests_enabled": config.get("SampledRequestsEnabled"),
        "cloudwatch_metrics_enabled": config.get("CloudWatchMetricsEnabled"),
        "metric_name": config.get("MetricName"),
    }


# -- comparison and diff -------------------------------------------------------------------------------------------


def _filled(value):
    """True for a structure or list with content (an empty list is the same as an absent one)."""
    return isinstance(value, (dict, list)) and bool(value)


def matches(wanted, actual, key=None):
    """True when ``actual`` (from AWS) holds everything ``wanted`` gives, as described in the module documentation:
    extra scalars are server-side defaults, extra non-empty structures or lists are differences, documented defaults
    must keep their default value, lists match element by element."""
    if isinstance(wanted, dict):
        if not isinstance(actual, dict):
            return False
        for k, v in wanted.items():
            if k not in actual:
                if isinstance(v, list) and not v:
                    continue
                return False
            if not matches(v, actual[k], k):
                return False
        defaults = SERVER_DEFAULTS.get(key, {})
        for k, v in actual.items():
            if k in wanted:
                continue
            if k in defaults:
                if v != defaults[k]:
                    return False
            elif _filled(v):
                return False
        return True
    if isinstance(wanted, list):
        if not isinstance(actual, list) or len(wanted) != len(actual):
            return False
        return all(matches(w, a, key) for w, a in zip(wanted, actual, strict=True))
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return isinstance(wanted, bool) and isinstance(actual, bool) and wanted == actual
    return wanted == actual


def project(actual, wanted, key=None):
    """``actual`` reduced to what the comparison looks at, for a readable diff against ``wanted``."""
    if isinstance(actual, dict) and isinstance(wanted, dict):
        defaults = SERVER_DEFAULTS.get(key, {})
        result = {}
        for k, v in actual.items():
            if k in wanted:
                result[k] = project(v, wanted[k], k)
            elif k in defaults:
                if v != defaults[k]:
                    result[k] = v
            elif _filled(v):
                result[k] = v
        return result
    if isinstance(actual, list) and isinstance(wanted, list):
        return [project(a, wanted[i], key) if i < len(wanted) else a for i, a in enumerate(actual)]
    return actual


def without_empty_lists(value):
    if isinstance(value, dict):
        return {k: without_empty_lists(v) for k, v in value.items() if not (isinstance(v, list) and not v)}
    if isinstance(value, list):
        return [without_empty_lists(v) for v in value]
    return value


def rules_match(wanted, actual):
    actual = by_priority(actual)
    return len(wanted) == len(actual) and all(matches(w, a) for w, a in zip(wanted, actual, strict=True))


def rules_view(actual, wanted):
    """The current rules for the diff: each reduced to the keys of the requested rule of the same name."""
    wanted_by_name = {rule.get("Name"): rule for rule in wanted}
    view = []
    for rule in by_priority(actual):
        requested = wanted_by_name.get(rule.get("Name"))
        view.append(without_empty_lists(project(rule, requested) if requested is not None else rule))
    return view


def differences(web_acl, wanted):
    """Names of the managed settings of the web ACL (normalised by from_aws) that differ from ``wanted``."""
    result = []
    if not rules_match(wanted["Rules"], web_acl.get("Rules") or []):
        result.append("rules")
    if not matches(wanted["DefaultAction"], web_acl.get("DefaultAction") or {}, "DefaultAction"):
        result.append("default_action")
    if not matches(wanted["VisibilityConfig"], web_acl.get("VisibilityConfig") or {}, "VisibilityConfig"):
        result.append("visibility_config")
    if "Description" in wanted and (web_acl.get("Description") or "") != wanted["Description"]:
        result.append("description")
    return result


def diff_view(description, default_action, rules, visibility_config, associations, tags):
    return {
        "description": description,
        "default_action": default_action,
        "rules": rules,
        "visibility_config": visibility_config,
        "associations": associations,
        "tags": tags,
    }


def format_web_acl(web_acl, scope, tags, associations):
    return {
        "arn": web_acl.get("ARN"),
        "id": web_acl.get("Id"),
        "name": web_acl.get("Name"),
        "scope": scope,
        "description": web_acl.get("Description") or None,
        "capacity": web_acl.get("Capacity"),
        "default_action": default_action_name(web_acl.get("DefaultAction")),
        "rules": web_acl.get("Rules") or [],
        "visibility_config": visibility_snake(web_acl.get("VisibilityConfig")),
        "tags": tags,
        "associations": associations,
    }


# -- reading -------------------------------------------------------------------------------------------------------


def find_web_acl(client, name, scope):
    """The ListWebACLs summary of the web ACL called ``name`` (None when there is none). ListWebACLs has no
    paginator; NextMarker is followed until a page is empty or has no (or the same) marker."""
    kwargs = {"Scope": scope, "Limit": 100}
    seen = set()
    with doing(f"list the {scope} web ACLs"):
        while True:
            page = client.list_web_acls(aws_retry=True, **kwargs)
            for summary in page.get("WebACLs") or []:
                if summary.get("Name") == name:
                    return summary
            marker = page.get("NextMarker")
            if not page.get("WebACLs") or not marker or marker in seen:
                return None
            seen.add(marker)
            kwargs["NextMarker"] = marker


def get_web_acl(client, name, scope, acl_id):
    """(raw web ACL, lock token); (None, None) when it no longer exists."""
    with doing(f"read web ACL {name}"):
        try:
            response = client.get_web_acl(aws_retry=True, Name=name, Scope=scope, Id=acl_id)
        except is_boto3_error_code("WAFNonexistentItemException"):
            return None, None
    return response["WebACL"], response.get("LockToken")


def get_tags(client, arn):
    tags = []
    kwargs = {"ResourceARN": arn, "Limit": 100}
    with doing(f"read the tags of {arn}"):
        while True:
            page = client.list_tags_for_resource(aws_retry=True, **kwargs)
            tags.extend((page.get("TagInfoForResource") or {}).get("TagList") or [])
            marker = page.get("NextMarker")
            if not marker or marker == kwargs.get("NextMarker"):
                break
            kwargs["NextMarker"] = marker
    return boto3_tag_list_to_ansible_dict(tags)


def list_associations(client, arn, scope):
    """ARNs of the resources of every regional type the web ACL protects, sorted ([] for CLOUDFRONT)."""
    if scope != "REGIONAL":
        return []
    found = set()
    for resource_type in REGIONAL_RESOURCE_TYPES:
        with doing(f"list the {resource_type} resources of web ACL {arn}"):
            try:
                response = client.list_resources_for_web_acl(aws_retry=True, WebACLArn=arn, ResourceType=resource_type)
            except is_boto3_error_code("WAFInvalidParameterException"):
                if resource_type == "APPLICATION_LOAD_BALANCER":
                    raise
                continue  # a resource type this region does not offer
        found.update(response.get("ResourceArns") or [])
    return sorted(found)


def web_acl_of_resource(client, resource_arn):
    """ARN of the web ACL protecting the resource (None when none, or when the resource does not exist)."""
    with doing(f"read the web ACL of {resource_arn}"):
        try:
            response = association_retry(client.get_web_acl_for_resource)(ResourceArn=resource_arn)
        except is_boto3_error_code("WAFNonexistentItemException"):
            return None
    return (response.get("WebACL") or {}).get("ARN")


# -- writing -------------------------------------------------------------------------------------------------------


def update_request(raw, wanted, lock_token, params, update_members):
    request = {
        "Name": params["name"],
        "Scope": params["scope"],
        "Id": raw["Id"],
        "LockToken": lock_token,
        "DefaultAction": wanted["DefaultAction"],
        "Rules": wanted["Rules"],
        "VisibilityConfig": wanted["VisibilityConfig"],
    }
    # An empty description means none (the API takes no empty string); omitting it clears it.
    description = wanted["Description"] if "Description" in wanted else raw.get("Description")
    if description:
        request["Description"] = description
    for key in update_members:
        if key not in MANAGED_UPDATE_KEYS and raw.get(key) not in (None, [], {}):
            request[key] = raw[key]
    return request


def update_web_acl(client, params, wanted, raw, lock_token):
    """One UpdateWebACL with the lock token; on WAFOptimisticLockException read again and retry. Returns the raw
    web ACL after the update."""
    members = client.meta.service_model.operation_model("UpdateWebACL").input_shape.members
    for _attempt in range(LOCK_ATTEMPTS):
        with doing(f"update web ACL {params['name']}"):
            try:
                client.update_web_acl(aws_retry=True, **update_request(raw, wanted, lock_token, params, members))
            except is_boto3_error_code("WAFOptimisticLockException"):
                raw, lock_token = get_web_acl(client, params["name"], params["scope"], raw["Id"])
                if raw is None:
                    raise WebACLError(f"Web ACL {params['name']} was deleted while it was being updated") from None
                if not differences(from_aws(raw), wanted):
                    return raw
                continue
        raw, _lock = get_web_acl(client, params["name"], params["scope"], raw["Id"])
        return raw
    raise WebACLError(
        f"Web ACL {params['name']} kept changing while it was being updated (WAFOptimisticLockException "
        f"{LOCK_ATTEMPTS} times); try again"
    )


def ensure_tags(client, check_mode, arn, current, tags, purge):
    """Predicted tags after the run and whether they change."""
    if tags is None:
        return current, False
    to_set, to_unset = compare_tags(current, tags, purge_tags=purge)
    if not to_set and not to_unset:
        return current, False
    after = {k: v for k, v in current.items() if k not in to_unset}
    after.update(to_set)
    if not check_mode:
        with doing(f"tag web ACL {arn}"):
            if to_unset:
                client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=list(to_unset))
            if to_set:
                client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=boto3_tag_list(to_set))
    return after, True


def associate(client, acl_arn, resource_arn):
    with doing(f"associate web ACL {acl_arn} with {resource_arn}"):
        association_retry(client.associate_web_acl)(WebACLArn=acl_arn, ResourceArn=resource_arn)


def disassociate(client, resource_arn):
    with doing(f"disassociate {resource_arn} from its web ACL"):
        try:
            client.disassociate_web_acl(aws_retry=True, ResourceArn=resource_arn)
        except is_boto3_error_code("WAFNonexistentItemException"):
            pass  # the resource is gone, and its association with it


def ensure_associations(client, check_mode, acl_arn, current, wanted, purge, known_unassociated=False):
    """Associate the ``wanted`` resources (GetWebACLForResource for each, unless the web ACL is new) and, with
    ``purge``, disassociate the others. Returns (associations after, changed)."""
    if wanted is None:
        return current, False
    to_associate = []
    for resource_arn in dict.fromkeys(wanted):
        if known_unassociated or web_acl_of_resource(client, resource_arn) != acl_arn:
            to_associate.append(resource_arn)
    to_disassociate = [arn for arn in current if arn not in wanted] if purge else []
    if not check_mode:
        for resource_arn in to_associate:
            associate(client, acl_arn, resource_arn)
        for resource_arn in to_disassociate:
            disassociate(client, resource_arn)
    after = sorted((set(current) - set(to_disassociate)) | set(wanted))
    return after, bool(to_associate or to_disassociate)


# -- states ----------------------------------------------------------------------------------------------------------


def create_request(wanted, params):
    request = {k: v for k, v in wanted.items() if not (k == "Description" and not v)}
    request.update(Name=params["name"], Scope=params["scope"])
    if params.get("tags"):
        request["Tags"] = boto3_tag_list(params["tags"])
    return request


def requested(params, service_model):
    rule_shape = service_model.shape_for("Rule")
    wanted = {
        "DefaultAction": default_action_request(params["default_action"]),
        "Rules": wanted_rules(params.get("rules"), rule_shape),
        "VisibilityConfig": visibility_request(params),
    }
    if params.get("description") is not None:
        wanted["Description"] = params["description"]
    return wanted


def ensure_present(client, check_mode, params):
    name, scope = params["name"], params["scope"]
    wanted = requested(params, client.meta.service_model)
    wanted_view_rules = [without_empty_lists(rule) for rule in wanted["Rules"]]
    summary = find_web_acl(client, name, scope)

    if summary is None:
        tags = params.get("tags") or {}
        associations = sorted(set(params.get("associations") or []))
        after = diff_view(
            wanted.get("Description") or None,
            params["default_action"],
            wanted_view_rules,
            visibility_snake(wanted["VisibilityConfig"]),
            associations,
            tags,
        )
        if check_mode:
            web_acl = {
                "ARN": UNKNOWN,
                "Id": UNKNOWN,
                "Name": name,
                "Description": wanted.get("Description") or None,
                "DefaultAction": wanted["DefaultAction"],
                "Rules": wanted["Rules"],
                "VisibilityConfig": wanted["VisibilityConfig"],
            }
        else:
            with doing(f"create web ACL {name}"):
                created = client.create_web_acl(aws_retry=True, **create_request(wanted, params))["Summary"]
            raw, _lock = get_web_acl(client, name, scope, created["Id"])
            web_acl = from_aws(raw or {"ARN": created["ARN"], "Id": created["Id"], "Name": name})
            ensure_associations(client, False, created["ARN"], [], associations, False, known_unassociated=True)
        result = format_web_acl(web_acl, scope, tags, associations)
        return {"changed": True, "web_acl": result, "diff": {"before": {}, "after": after}}

    raw, lock_token = get_web_acl(client, name, scope, summary["Id"])
    if raw is None:
        raise WebACLError(f"Web ACL {name} ({summary['Id']}) disappeared while it was being read; try again")
    web_acl = from_aws(raw)
    arn = web_acl["ARN"]
    current_tags = get_tags(client, arn)
    current_associations = list_associations(client, arn, scope)
    before = diff_view(
        web_acl.get("Description") or None,
        default_action_name(web_acl.get("DefaultAction")),
        rules_view(web_acl.get("Rules") or [], wanted["Rules"]),
        visibility_snake(web_acl.get("VisibilityConfig")),
        current_associations,
        current_tags,
    )

    changed = bool(differences(web_acl, wanted))
    if changed:
        if check_mode:
            web_acl = dict(web_acl, **wanted)
        else:
            web_acl = from_aws(update_web_acl(client, params, wanted, raw, lock_token) or raw)
    tags, tags_changed = ensure_tags(client, check_mode, arn, current_tags, params.get("tags"), params["purge_tags"])
    associations, associations_changed = ensure_associations(
        client, check_mode, arn, current_associations, params.get("associations"), params["purge_associations"]
    )
    after = diff_view(
        (wanted["Description"] or None) if "Description" in wanted else before["description"],
        params["default_action"],
        wanted_view_rules,
        visibility_snake(wanted["VisibilityConfig"]),
        associations,
        tags,
    )
    return {
        "changed": changed or tags_changed or associations_changed,
        "web_acl": format_web_acl(web_acl, scope, tags, associations),
        "diff": {"before": before, "after": after},
    }


def delete_web_acl(client, params, raw, lock_token, disassociated):
    name, scope = params["name"], params["scope"]
    for _attempt in range(LOCK_ATTEMPTS):
        with doing(f"delete web ACL {name}"):
            request = {"Name": name, "Scope": scope, "Id": raw["Id"], "LockToken": lock_token}
            try:
                if disassociated:
                    delete_retry(client.delete_web_acl)(**request)
                else:
                    client.delete_web_acl(aws_retry=True, **request)
                return True
            except is_boto3_error_code("WAFOptimisticLockException"):
                raw, lock_token = get_web_acl(client, name, scope, raw["Id"])
                if raw is None:
                    return False
                continue
            except is_boto3_error_code("WAFNonexistentItemException"):
                return False
            except is_boto3_error_code("WAFAssociatedItemException"):
                raise WebACLError(
                    f"Web ACL {name} is still associated with resources this module does not list (a CloudFront "
                    "distribution names its web ACL in its own configuration): remove those associations first"
                ) from None
    raise WebACLError(f"Web ACL {name} kept changing while it was being deleted; try again")


def ensure_absent(client, check_mode, params):
    name, scope = params["name"], params["scope"]
    summary = find_web_acl(client, name, scope)
    raw, lock_token = get_web_acl(client, name, scope, summary["Id"]) if summary else (None, None)
    if raw is None:
        return {"changed": False, "web_acl": {}, "diff": {"before": {}, "after": {}}}
    web_acl = from_aws(raw)
    tags = get_tags(client, web_acl["ARN"])
    associations = list_associations(client, web_acl["ARN"], scope)
    before = diff_view(
        web_acl.get("Description") or None,
        default_action_name(web_acl.get("DefaultAction")),
        [without_empty_lists(rule) for rule in by_priority(web_acl.get("Rules") or [])],
        visibility_snake(web_acl.get("VisibilityConfig")),
        associations,
        tags,
    )
    changed = True
    if not check_mode:
        for resource_arn in associations:
            disassociate(client, resource_arn)
        changed = delete_web_acl(client, params, raw, lock_token, bool(associations)) or bool(associations)
    return {
        "changed": changed,
        "web_acl": format_web_acl(web_acl, scope, tags, associations),
        "diff": {"before": before, "after": {}},
    }


def check_params(params, service_model):
    """Errors in the input, found before any AWS call."""
    if params["scope"] != "REGIONAL" and params.get("associations") is not None:
        return (
            "associations applies to REGIONAL web ACLs only: a CloudFront distribution names its web ACL in its "
            "own configuration (WebACLId)"
        )
    if params["state"] != "present":
        return None
    problems = rule_problems(params.get("rules") or [])
    if problems:
        return "Invalid rules: " + "; ".join(problems)
    report = validate_request(service_model, "CreateWebACL", create_request(requested(params, service_model), params))
    if report:
        return f"Invalid web ACL request: {report}"
    return None


def main():
    argument_spec = {
        "name": {"type": "str", "required": True},
        "scope": {"type": "str", "default": "REGIONAL", "choices": ["REGIONAL", "CLOUDFRONT"]},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "description": {"type": "str"},
        "default_action": {"type": "str", "default": "allow", "choices": ["allow", "block"]},
        "rules": {"type": "list", "elements": "dict"},
        "visibility_config": {
            "type": "dict",
            "apply_defaults": True,
            "options": {
                "sampled_requests_enabled": {"type": "bool", "default": True},
                "cloudwatch_metrics_enabled": {"type": "bool", "default": True},
                "metric_name": {"type": "str"},
            },
        },
        "associations": {"type": "list", "elements": "str"},
        "purge_associations": {"type": "bool", "default": True},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ["rules"])],
    )
    params = module.params
    extra = {"region": "us-east-1"} if params["scope"] == "CLOUDFRONT" else {}
    client = module.client(
        "wafv2", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=RETRY_CODES), **extra
    )

    problem = check_params(params, client.meta.service_model)
    if problem:
        module.fail_json(msg=problem)
    try:
        if params["state"] == "present":
            result = ensure_present(client, module.check_mode, params)
        else:
            result = ensure_absent(client, module.check_mode, params)
    except WebACLError as e:
        module.fail_json(msg=str(e))
    except AWSStepError as e:
        module.fail_json_aws(e.error, msg=f"Failed to {e.what}")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
