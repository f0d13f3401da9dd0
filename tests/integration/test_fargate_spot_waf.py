"""Architecture 5 (`fargate_spot_waf`, ARCHITECTURES.md section 5) end to end through site.yml.

Bad input (the manual's cdk.json names) fails before any write. One stack converges; every bullet of section 5
is read back from the emulator; a second run and a `--check --diff` run change and write nothing; a preview and
then a run with `-e waf_rate_limit=... max_capacity=...` change exactly those two things; a second stack with
`nat_gateways: 0` runs its tasks in public subnets with public IPs; teardown leaves nothing tagged with either
stack. The tests run in file order and share the emulator state of this module.
"""

from __future__ import annotations

import json

import pytest
import yaml
from harness import (
    REPO,
    assert_changes_nothing,
    assert_tagged,
    boto3_client,
    run_playbook,
    stack_leftovers,
    summarize,
    tagdict,
    write_inventory,
)
from harness import writes_since as _writes

# The tests of this file share one converged stack (module-scoped fixtures): one xdist worker runs them all,
# in a row (`make integration` uses --dist loadgroup; the other files' tests are spread one by one).
pytestmark = pytest.mark.xdist_group("test_fargate_spot_waf")

ARCH = "fargate_spot_waf"
STACK = "ia-comafi-dev"
PREFIX = STACK
STACK0 = "ia-comafi-staging"  # the nat_gateways: 0 variant
PREFIX0 = STACK0
REPO_SLUG = "studioiffects/ia-comafi-v1"
ACCOUNT = "123456789012"
SECRET_VALUES = {
    "LANGCHAIN_API_KEY": "lsv2-test-key-5b1f",
    "REDIS_HOST": "redis.example.invalid",
    "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "redis-test-password-93ac",
}
HOSTVARS = {
    STACK: {"stack_env": "dev", "stack_github_repository": REPO_SLUG, "app_secrets": SECRET_VALUES},
    STACK0: {
        "stack_env": "staging",
        "nat_gateways": 0,
        "stack_github_repository": REPO_SLUG,
        "app_secrets": SECRET_VALUES,
    },
}
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
WAF_TASK = "Converge the WAF web ACL and its association with the ALB"
SCALING_TASK_WORD = "autoscaling"


def owner(stack: str, env: str) -> dict[str, str]:
    return {"stack": stack, "architecture": ARCH, "environment": env, "managed-by": "stacksmith"}


def assert_owned(tags, what: str, stack: str = STACK, env: str = "dev") -> None:
    assert_tagged(tags, owner(stack, env), what)


@pytest.fixture(scope="module")
def env(emulator, tmp_path_factory):
    emulator.reset()
    root = tmp_path_factory.mktemp("arch5")
    inventory = write_inventory(root / "inventory", emulator.endpoint, {ARCH: HOSTVARS})
    return {"inventory": inventory, "outputs": root / "outputs", "endpoint": emulator.endpoint, "emu": emulator}


def site(env, limit=STACK, **kwargs):
    return run_playbook(
        "site.yml", env["inventory"], env["endpoint"], limit=limit, outputs_dir=env["outputs"], **kwargs
    )


def teardown(env, limit=STACK, **kwargs):
    return run_playbook(
        "playbooks/teardown.yml", env["inventory"], env["endpoint"], limit=limit, outputs_dir=env["outputs"], **kwargs
    )


def client(env, service):
    return boto3_client(service, env["endpoint"])


def writes_since(env, mark):
    return _writes(env["emu"], mark)


def changed_results(run, host=STACK):
    """(task name, result) of every changed task (loop items folded into their task)."""
    out = []
    for play in run.plays:
        for task in play.get("tasks", []):
            res = task.get("hosts", {}).get(host)
            if res and res.get("changed"):
                out.append((task["task"]["name"], res))
    return out


# --- bad input: each fails before any write, naming the variable ------------------------------------


@pytest.mark.parametrize(
    "override, variable",
    [
        ({"fargate_cpu": 300}, "fargate_cpu"),
        ({"nat_gateways": 3}, "nat_gateways"),
        ({"waf_rate_limit": 5}, "waf_rate_limit"),
        ({"fargate_cpu": 512, "fargate_memory": 512}, "fargate_memory"),
        ({"min_capacity": 2, "max_capacity": 1}, "max_capacity"),
    ],
    ids=["fargate-cpu-300", "nat-gateways-3", "waf-rate-limit-5", "fargate-pair", "max-below-min"],
)
def test_bad_input_fails_before_any_write(env, override, variable):
    mark = env["emu"].mark()
    run = site(env, extra_vars=override)
    assert run.rc != 0
    assert variable in run.failure_messages(), run.failure_messages()
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


def test_missing_secret_values_fail_before_any_write(env):
    mark = env["emu"].mark()
    run = site(env, extra_vars={"app_secrets": {"REDIS_HOST": "x"}})
    assert run.rc != 0
    messages = run.failure_messages()
    assert "LANGCHAIN_API_KEY" in messages and "app_secrets" in messages, messages
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


# --- converge ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converged(env):
    run = site(env)
    assert run.rc == 0, run.failure_messages()
    outputs = json.loads((env["outputs"] / f"{STACK}.json").read_text())
    return {"run": run, "outputs": outputs}


def _vpc(env, stack=STACK):
    vpcs = client(env, "ec2").describe_vpcs(Filters=[{"Name": "tag:stack", "Values": [stack]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def _subnets(env, vpc_id):
    subnets = client(env, "ec2").describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    by_tier: dict[str, list[dict]] = {}
    for s in subnets:
        by_tier.setdefault(tagdict(s.get("Tags")).get("tier", "?"), []).append(s)
    return by_tier


def test_outputs_hold_no_secret_values_and_the_health_check_says_it_is_skipped(env, converged):
    out = converged["outputs"]
    for key in ("network", "secrets", "storage", "registry", "identity", "edge", "ecs"):
        assert key in out, f"outputs lack {key}"
    text = (env["outputs"] / f"{STACK}.json").read_text() + converged["run"].stdout
    for key in ("LANGCHAIN_API_KEY", "REDIS_PASSWORD"):
        assert SECRET_VALUES[key] not in text, f"{key} printed or written to the outputs"
    assert out["edge"]["url"].startswith("http://") and out["edge"]["waf_web_acl_arn"].startswith("arn:aws:wafv2:")
    assert "Health check SKIPPED" in converged["run"].stdout
    assert out["edge"]["url"] in converged["run"].stdout


def test_network_two_public_two_private_one_nat_flow_logs(env, converged):
    ec2 = client(env, "ec2")
    vpc = _vpc(env)
    assert_owned(vpc.get("Tags"), "vpc")
    tiers = _subnets(env, vpc["VpcId"])
    assert sorted(tiers) == ["private_app", "public"], sorted(tiers)
    for tier in ("public", "private_app"):
        assert len(tiers[tier]) == 2
        assert len({s["AvailabilityZone"] for s in tiers[tier]}) == 2
        for s in tiers[tier]:
            assert_owned(s.get("Tags"), s["SubnetId"])
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc["VpcId"]]}])
    assert len(igws["InternetGateways"]) == 1
    nats = [
        n
        for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]
        if n["State"] != "deleted"
    ]
    assert len(nats) == 1 and nats[0]["SubnetId"] in {s["SubnetId"] for s in tiers["public"]}
    flows = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc["VpcId"]]}])["FlowLogs"]
    assert len(flows) == 1 and flows[0]["TrafficType"] == "ALL"
    assert flows[0]["LogDestinationType"] == "cloud-watch-logs"
    assert_owned(flows[0].get("Tags"), "flow log")


def test_security_groups_exactly_as_listed(env, converged):
    ec2 = client(env, "ec2")
    vpc_id = _vpc(env)["VpcId"]
    groups = {
        tagdict(g.get("Tags")).get("Name", g["GroupName"]): g
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
        if g["GroupName"] != "default"
    }
    alb = next(g for n, g in groups.items() if n.endswith("alb"))
    api = next(g for n, g in groups.items() if n.endswith("api"))
    assert len(groups) == 2, sorted(groups)
    assert [(p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in alb["IpPermissions"]] == [
        (80, 80, ["0.0.0.0/0"])
    ]
    assert [
        (p["FromPort"], [u["GroupId"] for u in p["UserIdGroupPairs"]], p["IpRanges"]) for p in api["IpPermissions"]
    ] == [(8000, [alb["GroupId"]], [])]
    for g in (alb, api):
        assert_owned(g.get("Tags"), g["GroupName"])


def test_json_secret_with_the_four_keys(env, converged):
    sm = client(env, "secretsmanager")
    name = f"{PREFIX}/app-secrets"
    desc = sm.describe_secret(SecretId=name)
    assert_owned(desc.get("Tags"), name)
    assert json.loads(sm.get_secret_value(SecretId=name)["SecretString"]) == SECRET_VALUES


def _bucket(env):
    return f"{PREFIX}-unhandled-queries-{ACCOUNT}"


def test_logs_bucket_sse_public_access_block_tls_only_90_days(env, converged):
    s3 = client(env, "s3")
    bucket = _bucket(env)
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert pab == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    deny = [
        st
        for st in policy["Statement"]
        if st["Effect"] == "Deny"
        and st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
    ]
    assert len(deny) == 1, policy
    resources = deny[0]["Resource"] if isinstance(deny[0]["Resource"], list) else [deny[0]["Resource"]]
    assert sorted(resources) == sorted([f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"])
    assert deny[0]["Principal"] in ("*", {"AWS": "*"}) and deny[0]["Action"] in ("s3:*", ["s3:*"])
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    enabled = [r for r in lifecycle if r["Status"] == "Enabled"]
    assert [r["Expiration"]["Days"] for r in enabled if "Expiration" in r] == [90], lifecycle
    assert_owned(s3.get_bucket_tagging(Bucket=bucket)["TagSet"], bucket)


def test_registry(env, converged):
    ecr = client(env, "ecr")
    repo = ecr.describe_repositories(repositoryNames=[f"{PREFIX}-api"])["repositories"][0]
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    assert_owned(ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"], repo["repositoryName"])


def _inline_statements(iam, role):
    statements = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        statements += doc["Statement"]
    return statements


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_execution_and_task_roles_exactly_as_section_5(env, converged):
    iam = client(env, "iam")
    secret_arn = client(env, "secretsmanager").describe_secret(SecretId=f"{PREFIX}/app-secrets")["ARN"]
    execution = f"{PREFIX}-ecs-execution-role"
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=execution)["AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    assert [(_as_list(s["Action"]), _as_list(s["Resource"])) for s in _inline_statements(iam, execution)] == [
        (["secretsmanager:GetSecretValue"], [secret_arn])
    ]
    task = f"{PREFIX}-api-task-role"
    assert iam.list_attached_role_policies(RoleName=task)["AttachedPolicies"] == []
    got = sorted((sorted(_as_list(s["Action"])), _as_list(s["Resource"])) for s in _inline_statements(iam, task))
    assert got == sorted(
        [
            (
                ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                [f"arn:aws:bedrock:us-east-1::foundation-model/{MODEL}"],
            ),
            (["s3:PutObject"], [f"arn:aws:s3:::{_bucket(env)}/*"]),
        ]
    )
    for role in (execution, task):
        r = iam.get_role(RoleName=role)["Role"]
        trust = r["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "ecs-tasks.amazonaws.com"}]
        assert_owned(iam.list_role_tags(RoleName=role)["Tags"], role)


def test_github_oidc_deploy_role(env, converged):
    iam = client(env, "iam")
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert len(providers) == 1
    arn = providers[0]["Arn"]
    role = iam.get_role(RoleName=f"{PREFIX}-gha-deploy-role")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Federated": arn}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"] in (
        f"repo:{REPO_SLUG}:*",
        [f"repo:{REPO_SLUG}:*"],
    )


def _cluster_and_service(env, prefix=PREFIX):
    ecs = client(env, "ecs")
    cluster = ecs.describe_clusters(clusters=[f"{prefix}-cluster"], include=["TAGS", "SETTINGS"])["clusters"][0]
    service = ecs.describe_services(cluster=f"{prefix}-cluster", services=[f"{prefix}-api"], include=["TAGS"])[
        "services"
    ][0]
    return cluster, service


SPOT_STRATEGY = [
    {"capacityProvider": "FARGATE_SPOT", "weight": 2, "base": 0},
    {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
]


def _strategy(items):
    return sorted(
        ({"capacityProvider": i["capacityProvider"], "weight": i["weight"], "base": i.get("base", 0)} for i in items),
        key=lambda i: i["capacityProvider"],
        reverse=True,
    )


def test_cluster_capacity_providers_and_service(env, converged):
    cluster, service = _cluster_and_service(env)
    assert sorted(cluster["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]
    assert _strategy(cluster["defaultCapacityProviderStrategy"]) == SPOT_STRATEGY
    assert {s["name"]: s["value"] for s in cluster.get("settings", [])}.get("containerInsights") == "enabled"
    assert_owned(cluster.get("tags"), "cluster")
    assert _strategy(service["capacityProviderStrategy"]) == SPOT_STRATEGY
    assert "launchType" not in service or service["launchType"] in ("", None)
    vpc_conf = service["networkConfiguration"]["awsvpcConfiguration"]
    private = {s["SubnetId"] for s in _subnets(env, _vpc(env)["VpcId"])["private_app"]}
    assert set(vpc_conf["subnets"]) == private and vpc_conf["assignPublicIp"] == "DISABLED"
    breaker = service["deploymentConfiguration"]["deploymentCircuitBreaker"]
    assert breaker == {"enable": True, "rollback": True}
    (lb,) = service["loadBalancers"]
    assert lb["containerPort"] == 8000 and lb["targetGroupArn"].split("/")[-2] == f"{PREFIX}-api"
    assert_owned(service.get("tags"), "service")


def test_task_definition(env, converged):
    ecs = client(env, "ecs")
    service = _cluster_and_service(env)[1]
    td = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
    d = td["taskDefinition"]
    assert (d["cpu"], d["memory"]) == ("512", "1024")
    assert d["requiresCompatibilities"] == ["FARGATE"] and d["networkMode"] == "awsvpc"
    (c,) = d["containerDefinitions"]
    assert c["image"].endswith(f"/{PREFIX}-api:latest")
    assert [(p["containerPort"], p.get("protocol", "tcp")) for p in c["portMappings"]] == [(8000, "tcp")]
    env_vars = {e["name"]: e["value"] for e in c["environment"]}
    assert env_vars["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env_vars["BEDROCK_MODEL_ID"] == MODEL
    assert env_vars["S3_BUCKET_UNHANDLED"] == _bucket(env)
    assert {"CACHE_TTL_DEFAULT", "CACHE_TTL_BENEFITS", "CACHE_ENABLED"} <= set(env_vars)
    assert {"LANGCHAIN_TRACING_V2", "LANGCHAIN_ENDPOINT", "LANGCHAIN_PROJECT"} <= set(env_vars)
    secret_arn = client(env, "secretsmanager").describe_secret(SecretId=f"{PREFIX}/app-secrets")["ARN"]
    assert sorted((s["name"], s["valueFrom"]) for s in c["secrets"]) == sorted(
        (k, f"{secret_arn}:{k}::") for k in SECRET_VALUES
    )
    for value in SECRET_VALUES.values():
        assert value not in json.dumps(d, default=str)
    log = c["logConfiguration"]
    assert log["logDriver"] == "awslogs" and log["options"]["awslogs-group"] == "/ecs/ia-comafi/dev/api"
    groups = client(env, "logs").describe_log_groups(logGroupNamePrefix="/ecs/ia-comafi/dev/api")["logGroups"]
    assert [(g["logGroupName"], g.get("retentionInDays")) for g in groups] == [("/ecs/ia-comafi/dev/api", 14)]
    iam = client(env, "iam")
    assert d["executionRoleArn"] == iam.get_role(RoleName=f"{PREFIX}-ecs-execution-role")["Role"]["Arn"]
    assert d["taskRoleArn"] == iam.get_role(RoleName=f"{PREFIX}-api-task-role")["Role"]["Arn"]
    assert_owned(td.get("tags"), "task definition")


def _scaling(env):
    aas = client(env, "application-autoscaling")
    rid = f"service/{PREFIX}-cluster/{PREFIX}-api"
    targets = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[rid])["ScalableTargets"]
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=rid)["ScalingPolicies"]
    return targets, policies


def test_autoscaling_1_to_3_cpu_70_requests_500_cooldowns(env, converged):
    targets, policies = _scaling(env)
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(1, 3)]
    by_metric = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]: p[
            "TargetTrackingScalingPolicyConfiguration"
        ]
        for p in policies
    }
    assert sorted(by_metric) == ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]
    cpu, req = by_metric["ECSServiceAverageCPUUtilization"], by_metric["ALBRequestCountPerTarget"]
    assert cpu["TargetValue"] == 70 and req["TargetValue"] == 500
    for conf in (cpu, req):
        assert (conf["ScaleInCooldown"], conf["ScaleOutCooldown"]) == (300, 60)
    alb_arn = client(env, "elbv2").describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    label = req["PredefinedMetricSpecification"]["ResourceLabel"]
    assert label.startswith(alb_arn.split(":loadbalancer/")[1] + "/targetgroup/" + f"{PREFIX}-api/")


def test_alb_on_port_80_forwarding_to_8000(env, converged):
    elbv2 = client(env, "elbv2")
    (alb,) = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"]
    assert alb["Scheme"] == "internet-facing"
    public = {s["SubnetId"] for s in _subnets(env, _vpc(env)["VpcId"])["public"]}
    assert {z["SubnetId"] for z in alb["AvailabilityZones"]} == public
    listeners = elbv2.describe_listeners(LoadBalancerArn=alb["LoadBalancerArn"])["Listeners"]
    assert [(lst["Port"], lst["Protocol"]) for lst in listeners] == [(80, "HTTP")]
    (action,) = listeners[0]["DefaultActions"]
    (tg,) = elbv2.describe_target_groups(Names=[f"{PREFIX}-api"])["TargetGroups"]
    assert action["Type"] == "forward" and action["TargetGroupArn"] == tg["TargetGroupArn"]
    assert (tg["Port"], tg["Protocol"], tg["TargetType"]) == (8000, "HTTP", "ip")
    for arn in (alb["LoadBalancerArn"], tg["TargetGroupArn"]):
        assert_owned(elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"][0]["Tags"], arn)


def _web_acl(env, prefix=PREFIX):
    waf = client(env, "wafv2")
    (summary,) = [a for a in waf.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == f"{prefix}-waf"]
    return waf.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])["WebACL"]


def test_waf_rules_in_order_and_association(env, converged):
    waf = client(env, "wafv2")
    acl = _web_acl(env)
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    assert acl["VisibilityConfig"]["SampledRequestsEnabled"] is True
    rules = sorted(acl["Rules"], key=lambda r: r["Priority"])
    assert [(r["Name"], r["Priority"]) for r in rules] == [
        ("RateLimitPerIP", 1),
        ("AWSManagedRulesCommonRuleSet", 2),
        ("AWSManagedRulesKnownBadInputsRuleSet", 3),
        ("AWSManagedRulesAmazonIpReputationList", 4),
    ]
    rate = rules[0]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 2000
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert rate["Action"] == {"Block": {}}
    for r in rules[1:]:
        assert r["Statement"]["ManagedRuleGroupStatement"] == {"VendorName": "AWS", "Name": r["Name"]} or (
            r["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
            and r["Statement"]["ManagedRuleGroupStatement"]["Name"] == r["Name"]
        )
        assert r["OverrideAction"] == {"None": {}}
    for r in rules:
        assert r["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    alb_arn = client(env, "elbv2").describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0][
        "LoadBalancerArn"
    ]
    assert waf.get_web_acl_for_resource(ResourceArn=alb_arn)["WebACL"]["ARN"] == acl["ARN"]
    assert waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="APPLICATION_LOAD_BALANCER")[
        "ResourceArns"
    ] == [alb_arn]
    assert_owned(waf.list_tags_for_resource(ResourceARN=acl["ARN"])["TagInfoForResource"]["TagList"], "web ACL")


# --- roles the stack leaves out --------------------------------------------------------------------


def _task_names(role, *files):
    """The names of the tasks of these task files of a role, blocks included, as the run reports them."""
    names = set()

    def walk(tasks):
        for task in tasks or []:
            names.add(f"stacksmith.aws.{role} : {task['name']}")
            for key in ("block", "rescue", "always"):
                walk(task.get(key))

    for file in files:
        walk(yaml.safe_load((REPO / "roles" / role / "tasks" / file).read_text()))
    return names


def test_the_services_start_before_the_alb_wait_and_the_waf_is_attached_before_their_rollouts(converged):
    """The services need the listeners, not an active load balancer: they start while it provisions. The WAF is
    attached once the ALB is active (AWS associates a web ACL with an active load balancer), before the rollouts are
    waited for, so the application is never served by the ALB without its WAF."""
    run = converged["run"]
    names = run.ran(STACK)

    def at(role, task):
        return run.first_run(STACK, role, task)

    listeners = at("edge", "Converge the listeners and rules")
    services = at(
        "ecs", "Converge the services with their task definitions and autoscaling (and wait for the rollouts)"
    )
    waf = at("edge", WAF_TASK)
    rollouts = at("ecs", "Wait for the rollouts the services started")
    assert listeners < services < waf < rollouts, names
    # The ALB wait comes between the services and the WAF (edge wait.yml; it may find the ALB active already and
    # skip, so positions are taken among every task); the one of the edge's present.yml was deferred.
    assert run.positions(STACK)[names[services]] < run.deferred_alb_wait(STACK) < run.positions(STACK)[names[waf]]


def test_the_roles_the_stack_leaves_out_run_no_task(converged):
    """fargate_spot_waf has no database and no monitoring in stack_components: none of their tasks runs, and the
    tasks of their present.yml / absent.yml are not even evaluated (the roles include them dynamically)."""
    left_out = ("database", "monitoring")
    components = yaml.safe_load((REPO / "group_vars" / "fargate_spot_waf.yml").read_text())["stack_components"]
    assert not set(left_out) & set(components) and "network" in components
    seen = [
        (name, res)
        for name, res in converged["run"].task_results(STACK)
        if name.split(" : ")[0] in {f"stacksmith.aws.{role}" for role in left_out}
    ]
    assert [name for name, res in seen if not res.get("skipped")] == []
    state_tasks = set().union(*(_task_names(role, "present.yml", "absent.yml") for role in left_out))
    # The deploy imports database's start.yml and wait.yml statically (they are skipped there, task by task); the
    # tasks of the same name are not evidence either way.
    state_tasks -= _task_names("database", "start.yml", "wait.yml")
    assert len(state_tasks) > 20, "the role files were not read: the next assertion would prove nothing"
    assert sorted({name for name, _result in seen} & state_tasks) == []
    # ... while the roles the stack has do run theirs (the same check would see them).
    ran = {name for name, res in converged["run"].task_results(STACK) if not res.get("skipped")}
    assert "stacksmith.aws.network : Converge the subnets" in ran


# --- re-runs ----------------------------------------------------------------------------------------


def test_second_run_changes_nothing_and_writes_nothing(env, converged):
    assert_changes_nothing(env["emu"], lambda: site(env))


def test_check_diff_on_the_converged_stack_writes_nothing(env, converged):
    assert_changes_nothing(env["emu"], lambda: site(env, check=True, diff=True))


CHANGE = {"waf_rate_limit": 3000, "max_capacity": 5}


def _two_changes(run):
    """The two changed results, (WAF, autoscaling). In the play the services converge first (their rollouts start
    while the load balancer provisions); the WAF is attached once the ALB is active, before the rollouts are waited
    for."""
    changed = changed_results(run)
    names = [item[0] for item in changed]
    assert len(names) == 2, names
    assert SCALING_TASK_WORD in names[0].lower() and names[1].endswith(WAF_TASK), names
    return changed[1], changed[0]


def test_preview_of_an_e_change_shows_exactly_those_two_changes(env, converged):
    mark = env["emu"].mark()
    run = site(env, check=True, diff=True, extra_vars=CHANGE)
    assert run.rc == 0, run.failure_messages()
    waf, scaling = (item[1] for item in _two_changes(run))
    waf_diff, scaling_diff = json.dumps(waf.get("diff")), json.dumps(scaling)
    assert "2000" in waf_diff and "3000" in waf_diff, waf_diff
    assert '"max_capacity": 3' in scaling_diff and '"max_capacity": 5' in scaling_diff, scaling_diff
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


def test_an_e_change_changes_exactly_those_two_things(env, converged):
    mark = env["emu"].mark()
    run = site(env, extra_vars=CHANGE)
    assert run.rc == 0, run.failure_messages()
    _two_changes(run)
    actions = sorted(r["action"] for r in writes_since(env, mark))
    assert actions == ["RegisterScalableTarget", "UpdateWebACL"], summarize(writes_since(env, mark))
    rate = sorted(_web_acl(env)["Rules"], key=lambda r: r["Priority"])[0]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 3000
    targets = _scaling(env)[0]
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(1, 5)]
    # Back to the defaults: the same two changes, reversed.
    back = site(env)
    assert back.rc == 0, back.failure_messages()
    _two_changes(back)
    assert (
        sorted(_web_acl(env)["Rules"], key=lambda r: r["Priority"])[0]["Statement"]["RateBasedStatement"]["Limit"]
        == 2000
    )


# --- nat_gateways: 0 ---------------------------------------------------------------------------------


def test_nat_gateways_0_runs_the_tasks_in_public_subnets_with_public_ips(env, converged):
    run = site(env, limit=STACK0)
    assert run.rc == 0, run.failure_messages()
    ec2 = client(env, "ec2")
    vpc = _vpc(env, STACK0)
    nats = [
        n
        for n in ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NatGateways"]
        if n["State"] != "deleted"
    ]
    assert nats == []
    public = {s["SubnetId"] for s in _subnets(env, vpc["VpcId"])["public"]}
    service = _cluster_and_service(env, PREFIX0)[1]
    vpc_conf = service["networkConfiguration"]["awsvpcConfiguration"]
    assert set(vpc_conf["subnets"]) == public and vpc_conf["assignPublicIp"] == "ENABLED"
    assert _strategy(service["capacityProviderStrategy"]) == SPOT_STRATEGY
    # The first stack's account-wide OIDC provider is used, not re-created or re-tagged.
    (provider,) = client(env, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    tags = client(env, "iam").list_open_id_connect_provider_tags(OpenIDConnectProviderArn=provider["Arn"])["Tags"]
    assert tagdict(tags)["stack"] == STACK
    mark = env["emu"].mark()
    again = site(env, limit=STACK0)
    assert again.rc == 0 and again.changed_tasks() == [], again.failure_messages()
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


def test_teardown_of_the_nat_0_stack_leaves_the_first_stack_alone(env, converged):
    run = teardown(env, limit=STACK0)
    assert run.rc == 0, run.failure_messages()
    assert stack_leftovers(env["endpoint"], STACK0) == []
    # The first stack is intact: its web ACL, its ALB association, the OIDC provider.
    acl = _web_acl(env)
    assert len(client(env, "wafv2").list_resources_for_web_acl(WebACLArn=acl["ARN"])["ResourceArns"]) == 1
    assert len(client(env, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]) == 1
    mark = env["emu"].mark()
    assert site(env).changed_tasks() == []
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


def test_teardown_removes_everything_the_stack_owns(env, converged):
    run = teardown(env)
    assert run.rc == 0, run.failure_messages()
    assert stack_leftovers(env["endpoint"], STACK) == []
    assert client(env, "wafv2").list_web_acls(Scope="REGIONAL")["WebACLs"] == []
    assert client(env, "elbv2").describe_load_balancers()["LoadBalancers"] == []
    assert client(env, "ec2").describe_vpcs(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Vpcs"] == []
    assert [b for b in client(env, "s3").list_buckets()["Buckets"] if b["Name"].startswith("ia-comafi")] == []
    assert client(env, "ecr").describe_repositories()["repositories"] == []
    assert [r for r in client(env, "iam").list_roles()["Roles"] if r["RoleName"].startswith("ia-comafi")] == []
    assert client(env, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    again = teardown(env)
    assert again.rc == 0 and again.changed_tasks() == [], again.failure_messages()
