"""Architecture 1 (`fargate_alb_efs`, ARCHITECTURES.md section 1) end to end through site.yml.

One stack converges, then every bullet of section 1 is read back from the emulator; a second run
and a `--check --diff` run must change nothing and write nothing; image tags A, B and a rollback
move the api service between task definition revisions; teardown refuses a bucket with objects and
a database without a final snapshot, then removes everything the stack owns. The tests run in file
order and share the emulator state of this module.
"""

from __future__ import annotations

import json

import pytest
from harness import (
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
pytestmark = pytest.mark.xdist_group("test_fargate_alb_efs")

STACK = "whatsapp-platform-prod"
PREFIX = STACK
ARCH = "fargate_alb_efs"
DOMAIN = "app.whatsapp-platform.example.com"
ZONE = "whatsapp-platform.example.com"
REPO_SLUG = "studioiffects/whatsapp_platform_v1"
OWNER = {"stack": STACK, "architecture": ARCH, "environment": "prod", "managed-by": "stacksmith"}
HOSTVARS = {
    "stack_project": "whatsapp-platform",
    "stack_env": "prod",
    "stack_domain": DOMAIN,
    "stack_github_repository": REPO_SLUG,
    "edge_hosted_zone_name": ZONE,
    "edge_hosted_zone_create": True,
}
SECRET_PREFIX = "prod/whatsapp-platform"


def assert_owned(tags, what: str) -> None:
    assert_tagged(tags, OWNER, what)


@pytest.fixture(scope="module")
def env(emulator, tmp_path_factory):
    emulator.reset()
    root = tmp_path_factory.mktemp("arch1")
    inventory = write_inventory(root / "inventory", emulator.endpoint, {ARCH: {STACK: HOSTVARS}})
    return {"inventory": inventory, "outputs": root / "outputs", "endpoint": emulator.endpoint, "emu": emulator}


def site(env, **kwargs):
    return run_playbook("site.yml", env["inventory"], env["endpoint"], outputs_dir=env["outputs"], **kwargs)


def client(env, service):
    return boto3_client(service, env["endpoint"])


def writes_since(env, mark):
    return _writes(env["emu"], mark)


# --- bad input: each fails before any write, naming the variable ------------------------------------


@pytest.mark.parametrize(
    "override, variable",
    [
        ({"api_cpu": 512, "api_memory": 512}, "ecs_services"),
        (
            {
                "edge_rules": [
                    {"priority": 10, "paths": ["/api/*"], "target_group": "api"},
                    {"priority": 10, "paths": ["/admin/*"], "target_group": "web"},
                ]
            },
            "edge_rules",
        ),
        ({"stack_domain": ""}, "edge_domain_name"),
        ({"stack_env": "qa"}, "stack_env"),
    ],
    ids=["fargate-pair", "rule-priority-clash", "https-without-domain", "unknown-environment"],
)
def test_bad_input_fails_before_any_write(env, override, variable):
    mark = env["emu"].mark()
    run = site(env, extra_vars=override)
    assert run.rc != 0
    assert variable in run.failure_messages(), run.failure_messages()
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


# --- converge ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converged(env):
    run = site(env)
    assert run.rc == 0, run.failure_messages()
    outputs = json.loads((env["outputs"] / f"{STACK}.json").read_text())
    return {"run": run, "outputs": outputs}


def test_converge_writes_outputs_without_secret_values(env, converged):
    out = converged["outputs"]
    for key in ("network", "secrets", "database", "storage", "registry", "identity", "edge", "ecs", "monitoring"):
        assert key in out, f"outputs lack {key}"
    assert out["edge"]["url"] == f"https://{DOMAIN}"
    sm = client(env, "secretsmanager")
    text = (env["outputs"] / f"{STACK}.json").read_text() + converged["run"].stdout
    for name in ("rds", "api", "web"):
        values = json.loads(sm.get_secret_value(SecretId=f"{SECRET_PREFIX}/{name}")["SecretString"])
        for key in ("password", "JWT_SECRET", "DEFAULT_PASSWORD", "NEXTAUTH_SECRET"):
            if key in values:
                assert values[key] not in text, f"{name}.{key} printed or written to the outputs"


def test_network(env, converged):
    ec2 = client(env, "ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Vpcs"]
    assert [v["CidrBlock"] for v in vpcs] == ["10.40.0.0/16"]
    vpc = vpcs[0]["VpcId"]
    assert_owned(vpcs[0]["Tags"], "vpc")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    tiers: dict[str, list] = {}
    for s in subnets:
        assert_owned(s["Tags"], s["SubnetId"])
        tiers.setdefault(tagdict(s["Tags"])["tier"], []).append(s)
    assert {t: len(v) for t, v in tiers.items()} == {"public": 2, "private_app": 2, "private_data": 2}
    for tier in tiers.values():
        assert len({s["AvailabilityZone"] for s in tier}) == 2
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
    assert len(igws) == 1
    nats = ec2.describe_nat_gateways(
        Filter=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "state", "Values": ["available"]}]
    )
    assert len(nats["NatGateways"]) == 1
    assert nats["NatGateways"][0]["SubnetId"] in {s["SubnetId"] for s in tiers["public"]}


def _rules(perms):
    out = set()
    for p in perms:
        for r in p.get("IpRanges", []):
            out.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"]))
        for g in p.get("UserIdGroupPairs", []):
            out.add((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), g["GroupId"]))
    return out


def test_security_groups_exactly_as_listed(env, converged):
    ec2 = client(env, "ec2")
    groups = {
        g["GroupName"].removeprefix(PREFIX + "-"): g
        for g in ec2.describe_security_groups(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["SecurityGroups"]
    }
    assert set(groups) == {"alb", "web", "api", "rds", "efs"}
    gid = {k: g["GroupId"] for k, g in groups.items()}
    everywhere = {("-1", None, None, "0.0.0.0/0")}
    expected = {
        "alb": ({("tcp", 443, 443, "0.0.0.0/0"), ("tcp", 80, 80, "0.0.0.0/0")}, everywhere),
        "web": ({("tcp", 3000, 3000, gid["alb"])}, everywhere),
        "api": ({("tcp", 3001, 3001, gid["alb"])}, everywhere),
        "rds": ({("tcp", 5432, 5432, gid["api"])}, set()),
        "efs": ({("tcp", 2049, 2049, gid["api"])}, set()),
    }
    for name, (ingress, egress) in expected.items():
        assert _rules(groups[name]["IpPermissions"]) == ingress, name
        assert _rules(groups[name]["IpPermissionsEgress"]) == egress, name
        assert_owned(groups[name]["Tags"], f"sg {name}")


def test_database(env, converged):
    rds = client(env, "rds")
    db = rds.describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-pg")["DBInstances"][0]
    assert db["Engine"] == "postgres" and db["EngineVersion"].startswith("16")
    assert db["DBInstanceClass"] == "db.t4g.medium"
    assert (db["AllocatedStorage"], db["StorageType"]) == (100, "gp3")
    assert db["MultiAZ"] is True
    assert 7 <= db["BackupRetentionPeriod"] <= 30
    assert db["StorageEncrypted"] is True
    assert db["PubliclyAccessible"] is False
    assert db["DBInstanceStatus"] == "available"
    ec2 = client(env, "ec2")
    data_subnets = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Subnets"]
        if tagdict(s["Tags"]).get("tier") == "private_data"
    }
    assert {s["SubnetIdentifier"] for s in db["DBSubnetGroup"]["Subnets"]} == data_subnets
    rds_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-rds"]}])
    assert [g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"]] == [rds_sg["SecurityGroups"][0]["GroupId"]]
    assert_owned(rds.list_tags_for_resource(ResourceName=db["DBInstanceArn"])["TagList"], "db instance")


def test_secrets(env, converged):
    sm = client(env, "secretsmanager")
    db = client(env, "rds").describe_db_instances(DBInstanceIdentifier=f"{PREFIX}-pg")["DBInstances"][0]
    rds_secret = json.loads(sm.get_secret_value(SecretId=f"{SECRET_PREFIX}/rds")["SecretString"])
    assert {"username", "password", "host", "port", "dbname"} <= set(rds_secret)
    assert rds_secret["host"] == db["Endpoint"]["Address"] and int(rds_secret["port"]) == 5432
    assert len(rds_secret["password"]) >= 16
    api = json.loads(sm.get_secret_value(SecretId=f"{SECRET_PREFIX}/api")["SecretString"])
    assert set(api) == {"JWT_SECRET", "JWT_EXPIRES_IN", "JWT_REFRESH_EXPIRES_IN", "DEFAULT_PASSWORD", "DATABASE_URL"}
    assert (api["JWT_EXPIRES_IN"], api["JWT_REFRESH_EXPIRES_IN"]) == ("900s", "7d")
    assert len(api["JWT_SECRET"]) >= 32 and len(api["DEFAULT_PASSWORD"]) >= 16
    assert api["DATABASE_URL"].startswith(f"postgresql://{rds_secret['username']}:")
    assert f"@{db['Endpoint']['Address']}:5432/{rds_secret['dbname']}" in api["DATABASE_URL"]
    web = json.loads(sm.get_secret_value(SecretId=f"{SECRET_PREFIX}/web")["SecretString"])
    assert set(web) == {"NEXTAUTH_SECRET", "NEXTAUTH_URL", "API_BASE_URL", "NEXT_PUBLIC_API_BASE_URL"}
    assert web["NEXTAUTH_URL"] == f"https://{DOMAIN}"
    assert web["API_BASE_URL"] == web["NEXT_PUBLIC_API_BASE_URL"] == f"https://{DOMAIN}/api/v1"
    for name in ("rds", "api", "web"):
        assert_owned(sm.describe_secret(SecretId=f"{SECRET_PREFIX}/{name}")["Tags"], f"secret {name}")


def test_efs(env, converged):
    efs = client(env, "efs")
    fss = [f for f in efs.describe_file_systems()["FileSystems"] if f.get("Name") == f"{PREFIX}-efs"]
    assert len(fss) == 1 and fss[0]["Encrypted"] is True
    fs = fss[0]["FileSystemId"]
    assert_owned(efs.list_tags_for_resource(ResourceId=fs)["Tags"], "efs")
    ec2 = client(env, "ec2")
    app_subnets = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Subnets"]
        if tagdict(s["Tags"]).get("tier") == "private_app"
    }
    efs_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-efs"]}])
    mts = efs.describe_mount_targets(FileSystemId=fs)["MountTargets"]
    assert {m["SubnetId"] for m in mts} == app_subnets
    for m in mts:
        sgs = efs.describe_mount_target_security_groups(MountTargetId=m["MountTargetId"])["SecurityGroups"]
        assert sgs == [efs_sg["SecurityGroups"][0]["GroupId"]]
    aps = efs.describe_access_points(FileSystemId=fs)["AccessPoints"]
    assert len(aps) == 1
    ap = aps[0]
    assert ap["RootDirectory"]["Path"] == "/whatsapp-platform/storage"
    assert ap["RootDirectory"]["CreationInfo"] == {"OwnerUid": 1000, "OwnerGid": 1000, "Permissions": "750"}
    assert (ap["PosixUser"]["Uid"], ap["PosixUser"]["Gid"]) == (1000, 1000)
    assert_owned(ap["Tags"], "access point")


def test_backups_bucket(env, converged):
    s3 = client(env, "s3")
    bucket = f"{PREFIX}-backups"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    pab = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(pab[k] for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))
    rules = [r for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] if r["Status"] == "Enabled"]
    transitions = sorted((t["Days"], t["StorageClass"]) for r in rules for t in r.get("Transitions", []))
    assert transitions == [(30, "STANDARD_IA"), (90, "GLACIER")]
    assert any(r.get("Expiration", {}).get("Days") for r in rules), "no expiry configured"
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    deny_tls = [
        st
        for st in policy["Statement"]
        if st["Effect"] == "Deny"
        and st.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") in ("false", False)
    ]
    assert deny_tls, policy
    assert_owned(s3.get_bucket_tagging(Bucket=bucket)["TagSet"], "bucket")


def test_registry(env, converged):
    ecr = client(env, "ecr")
    repos = {r["repositoryName"]: r for r in ecr.describe_repositories()["repositories"]}
    for name in (f"{PREFIX}-api", f"{PREFIX}-web"):
        assert repos[name]["imageScanningConfiguration"]["scanOnPush"] is True
        assert json.loads(ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"])["rules"]
        assert_owned(ecr.list_tags_for_resource(resourceArn=repos[name]["repositoryArn"])["tags"], name)


def _policy_doc(doc):
    return json.loads(doc) if isinstance(doc, str) else doc


def _inline_statements(iam, role):
    out = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        out += _policy_doc(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])["Statement"]
    return out


def _as_list(x):
    return x if isinstance(x, list) else [x]


def test_identity_roles(env, converged):
    iam = client(env, "iam")
    execution = f"{PREFIX}-ecs-execution-role"
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=execution)["AttachedPolicies"]]
    assert attached == ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
    secret_reads = [
        s for s in _inline_statements(iam, execution) if "secretsmanager:GetSecretValue" in _as_list(s["Action"])
    ]
    assert secret_reads
    for st in secret_reads:
        for res in _as_list(st["Resource"]):
            assert f":secret:{SECRET_PREFIX}/" in res, res
    api_statements = _inline_statements(iam, f"{PREFIX}-api-task-role")
    s3_resources = {
        r for s in api_statements for a in _as_list(s["Action"]) if a.startswith("s3:") for r in _as_list(s["Resource"])
    }
    assert s3_resources == {f"arn:aws:s3:::{PREFIX}-backups", f"arn:aws:s3:::{PREFIX}-backups/*"}
    for role in (execution, f"{PREFIX}-api-task-role", f"{PREFIX}-web-task-role"):
        trust = _policy_doc(iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"])
        assert [st["Principal"] for st in trust["Statement"]] == [{"Service": "ecs-tasks.amazonaws.com"}]
        assert_owned(iam.list_role_tags(RoleName=role)["Tags"], role)


def test_slow_resources_start_right_after_the_network_and_nat_routes_wait_for_the_services(converged):
    """The database instance, the certificate and the load balancer are started right after the network, before the
    roles that do not need them; the NAT gateways are waited for (and routed through) only after the database wait,
    just before the services, the first that need egress; the services start before the load balancer is waited
    for, and their rollouts are waited for after it. So the slow things provision while the rest converges."""
    run = converged["run"]
    names = run.ran(STACK)

    def at(role, task):
        return run.first_run(STACK, role, task)

    network_done = at("network", "Publish the network outputs")
    db_started = at("database", "Create or modify the instance (no wait)")
    certificate = at("edge", "Request the certificate")
    alb_started = at("edge", "Create the load balancer without waiting")
    secrets = at("secrets", "Converge the secrets")
    assert network_done < db_started < certificate < alb_started < secrets
    routes = at("network", "Complete the network outputs")
    assert at("database", "Wait for the instance to be available") < routes
    services = at(
        "ecs", "Converge the services with their task definitions and autoscaling (and wait for the rollouts)"
    )
    rollouts = at("ecs", "Wait for the rollouts the services started")
    assert routes < services < rollouts
    # The services start while the load balancer provisions; the play waits for the ALB (edge wait.yml), then for
    # the rollouts. That wait may find the ALB active already and skip, so its position is taken among every task,
    # skipped or not; the wait of the edge's own present.yml does not run (the play deferred it).
    assert run.positions(STACK)[names[services]] < run.deferred_alb_wait(STACK) < run.positions(STACK)[names[rollouts]]


def test_github_oidc_deploy_role(env, converged):
    iam = client(env, "iam")
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    arns = [p["Arn"] for p in providers if p["Arn"].endswith("oidc-provider/token.actions.githubusercontent.com")]
    assert len(arns) == 1
    provider = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arns[0])
    assert provider["ClientIDList"] == ["sts.amazonaws.com"]
    role = iam.get_role(RoleName=f"{PREFIX}-gha-deploy-role")["Role"]
    trust = _policy_doc(role["AssumeRolePolicyDocument"])
    assert len(trust["Statement"]) == 1
    st = trust["Statement"][0]
    assert st["Principal"] == {"Federated": arns[0]}
    assert st["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert st["Condition"]["StringEquals"] == {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    subs = _as_list(st["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"])
    assert subs == [f"repo:{REPO_SLUG}:*"]
    actions = {a for s in _inline_statements(iam, role["RoleName"]) for a in _as_list(s["Action"])}
    assert {"ecr:GetAuthorizationToken", "ecr:PutImage", "ecs:RegisterTaskDefinition", "ecs:UpdateService"} <= actions
    assert "iam:PassRole" in actions and not any(a.endswith("*") for a in actions), actions
    assert_owned(iam.list_role_tags(RoleName=role["RoleName"])["Tags"], "deploy role")


def _task_definition(ecs, service):
    svc = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-{service}"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"], include=["TAGS"])
    return svc, td["taskDefinition"], td.get("tags", [])


def test_task_definitions(env, converged):
    ecs = client(env, "ecs")
    sm = client(env, "secretsmanager")
    api_secret = sm.describe_secret(SecretId=f"{SECRET_PREFIX}/api")["ARN"]
    api, api_tags = _task_definition(ecs, "api")[1:]
    assert (api["cpu"], api["memory"]) == ("512", "1024")
    assert api["networkMode"] == "awsvpc" and api["requiresCompatibilities"] == ["FARGATE"]
    assert api["executionRoleArn"].endswith(f":role/{PREFIX}-ecs-execution-role")
    assert api["taskRoleArn"].endswith(f":role/{PREFIX}-api-task-role")
    (c,) = api["containerDefinitions"]
    assert c["name"] == "api" and [p["containerPort"] for p in c["portMappings"]] == [3001]
    assert c["healthCheck"]["command"] == ["CMD-SHELL", "wget -qO- http://localhost:3001/api/v1/health || exit 1"]
    assert c["logConfiguration"]["logDriver"] == "awslogs"
    assert c["logConfiguration"]["options"]["awslogs-group"] == "/ecs/whatsapp-platform/prod/api"
    secrets = {s["name"]: s["valueFrom"] for s in c["secrets"]}
    assert secrets == {
        k: f"{api_secret}:{k}::" for k in ("JWT_SECRET", "JWT_EXPIRES_IN", "JWT_REFRESH_EXPIRES_IN", "DEFAULT_PASSWORD")
    }
    assert not any(e["name"] in secrets for e in c.get("environment", []))
    assert c["mountPoints"] == [{"sourceVolume": "storage", "containerPath": "/app/storage", "readOnly": False}]
    (vol,) = api["volumes"]
    efs = client(env, "efs")
    fs = [f for f in efs.describe_file_systems()["FileSystems"] if f.get("Name") == f"{PREFIX}-efs"][0]["FileSystemId"]
    ap = efs.describe_access_points(FileSystemId=fs)["AccessPoints"][0]["AccessPointId"]
    cfg = vol["efsVolumeConfiguration"]
    assert vol["name"] == "storage" and cfg["fileSystemId"] == fs and cfg["transitEncryption"] == "ENABLED"
    assert cfg["authorizationConfig"] == {"accessPointId": ap, "iam": "ENABLED"}
    assert_owned(api_tags, "api task definition")
    web, web_tags = _task_definition(ecs, "web")[1:]
    assert (web["cpu"], web["memory"]) == ("512", "1024")
    (w,) = web["containerDefinitions"]
    assert [p["containerPort"] for p in w["portMappings"]] == [3000]
    assert w["healthCheck"]["command"] == ["CMD-SHELL", "wget -qO- http://localhost:3000/login || exit 1"]
    assert w["logConfiguration"]["options"]["awslogs-group"] == "/ecs/whatsapp-platform/prod/web"
    assert {s["name"] for s in w["secrets"]} == {
        "NEXTAUTH_SECRET",
        "NEXTAUTH_URL",
        "API_BASE_URL",
        "NEXT_PUBLIC_API_BASE_URL",
    }
    assert_owned(web_tags, "web task definition")


def test_cluster_and_services(env, converged):
    ecs = client(env, "ecs")
    cluster = ecs.describe_clusters(clusters=[f"{PREFIX}-cluster"], include=["SETTINGS", "TAGS"])["clusters"][0]
    assert {"name": "containerInsights", "value": "enabled"} in cluster["settings"]
    assert "FARGATE" in cluster["capacityProviders"]
    assert_owned(cluster["tags"], "cluster")
    ec2 = client(env, "ec2")
    app_subnets = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Subnets"]
        if tagdict(s["Tags"]).get("tier") == "private_app"
    }
    elbv2 = client(env, "elbv2")
    tgs = {t["TargetGroupName"]: t["TargetGroupArn"] for t in elbv2.describe_target_groups()["TargetGroups"]}
    for name, desired, port in (("api", 1, 3001), ("web", 2, 3000)):
        svc = ecs.describe_services(cluster=f"{PREFIX}-cluster", services=[f"{PREFIX}-{name}"], include=["TAGS"])[
            "services"
        ][0]
        assert svc["desiredCount"] == desired, name
        assert svc["deploymentConfiguration"]["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        vpc = svc["networkConfiguration"]["awsvpcConfiguration"]
        assert set(vpc["subnets"]) == app_subnets and vpc["assignPublicIp"] == "DISABLED"
        sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-{name}"]}])
        assert vpc["securityGroups"] == [sg["SecurityGroups"][0]["GroupId"]]
        assert svc["loadBalancers"] == [
            {"targetGroupArn": tgs[f"{PREFIX}-{name}"], "containerName": name, "containerPort": port}
        ]
        assert svc["deployments"][0]["rolloutState"] == "COMPLETED"
        assert_owned(svc["tags"], f"service {name}")


def test_web_autoscaling(env, converged):
    aas = client(env, "application-autoscaling")
    resource = f"service/{PREFIX}-cluster/{PREFIX}-web"
    targets = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [(2, 6)]
    policies = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource)["ScalingPolicies"]
    metrics = {
        p["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"]
        for p in policies
    }
    assert {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"} <= metrics
    api = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[f"service/{PREFIX}-cluster/{PREFIX}-api"])
    assert api["ScalableTargets"] == []  # the api keeps exactly one task (in-memory state)


def test_load_balancer(env, converged):
    elbv2 = client(env, "elbv2")
    ec2 = client(env, "ec2")
    lb = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing" and lb["Type"] == "application"
    public = {
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Subnets"]
        if tagdict(s["Tags"]).get("tier") == "public"
    }
    assert {a["SubnetId"] for a in lb["AvailabilityZones"]} == public
    alb_sg = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{PREFIX}-alb"]}])
    assert lb["SecurityGroups"] == [alb_sg["SecurityGroups"][0]["GroupId"]]
    tgs = {
        t["TargetGroupName"]: t
        for t in elbv2.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
    }
    assert set(tgs) == {f"{PREFIX}-api", f"{PREFIX}-web"}
    for name, port, path in (("api", 3001, "/api/v1/health"), ("web", 3000, "/login")):
        tg = tgs[f"{PREFIX}-{name}"]
        assert (tg["TargetType"], tg["Port"], tg["Protocol"], tg["HealthCheckPath"]) == ("ip", port, "HTTP", path)
    listeners = {ls["Port"]: ls for ls in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]}
    assert set(listeners) == {80, 443}
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    acm = client(env, "acm")
    cert = acm.describe_certificate(CertificateArn=https["Certificates"][0]["CertificateArn"])["Certificate"]
    assert cert["DomainName"] == DOMAIN and cert["Status"] == "ISSUED"
    assert https["DefaultActions"][0]["Type"] == "forward"
    assert https["DefaultActions"][0]["TargetGroupArn"] == tgs[f"{PREFIX}-web"]["TargetGroupArn"]
    rules = [r for r in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"] if not r["IsDefault"]]
    assert len(rules) == 1
    assert rules[0]["Priority"] == "10"
    (condition,) = [c for c in rules[0]["Conditions"] if c["Field"] == "path-pattern"]
    values = condition.get("PathPatternConfig", {}).get("Values") or condition.get("Values")
    assert values == ["/api/*"]
    assert rules[0]["Actions"][0]["TargetGroupArn"] == tgs[f"{PREFIX}-api"]["TargetGroupArn"]
    redirect = listeners[80]["DefaultActions"][0]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS" and redirect["RedirectConfig"]["Port"] == "443"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    tags = elbv2.describe_tags(ResourceArns=[lb["LoadBalancerArn"]] + [t["TargetGroupArn"] for t in tgs.values()])
    for desc in tags["TagDescriptions"]:
        assert_owned(desc["Tags"], desc["ResourceArn"])
    assert_owned(acm.list_tags_for_certificate(CertificateArn=cert["CertificateArn"])["Tags"], "certificate")


def test_dns_alias(env, converged):
    r53 = client(env, "route53")
    elbv2 = client(env, "elbv2")
    lb = elbv2.describe_load_balancers(Names=[f"{PREFIX}-alb"])["LoadBalancers"][0]
    zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == ZONE + "."]
    assert len(zones) == 1
    records = r53.list_resource_record_sets(HostedZoneId=zones[0]["Id"])["ResourceRecordSets"]
    alias = [r for r in records if r["Name"] == DOMAIN + "." and r["Type"] == "A"]
    assert len(alias) == 1
    assert alias[0]["AliasTarget"]["DNSName"].rstrip(".").lower().endswith(lb["DNSName"].lower())


def test_log_groups_and_alarms(env, converged):
    logs = client(env, "logs")
    for name in ("api", "web"):
        group = f"/ecs/whatsapp-platform/prod/{name}"
        found = [
            g for g in logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] if g["logGroupName"] == group
        ]
        assert found and found[0].get("retentionInDays"), group
        assert_owned(logs.list_tags_log_group(logGroupName=group)["tags"], group)
    cw = client(env, "cloudwatch")
    sns = client(env, "sns")
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{PREFIX}-alarms")]
    assert len(topics) == 1
    assert_owned(sns.list_tags_for_resource(ResourceArn=topics[0])["Tags"], "alarm topic")
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNamePrefix=f"{PREFIX}-")["MetricAlarms"]}
    by_metric = {}
    for a in alarms.values():
        assert a["AlarmActions"] == topics, a["AlarmName"]
        by_metric.setdefault((a["Namespace"], a["MetricName"]), []).append(a)
    for metric in ("CPUUtilization", "MemoryUtilization"):
        found = by_metric[("AWS/ECS", metric)]
        services = sorted({d["Name"]: d["Value"] for d in a["Dimensions"]}["ServiceName"] for a in found)
        assert services == [f"{PREFIX}-api", f"{PREFIX}-web"]
        assert {(a["ComparisonOperator"], a["Threshold"]) for a in found} == {("GreaterThanThreshold", 80.0)}
    assert by_metric[("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count")]
    unhealthy = by_metric[("AWS/ApplicationELB", "UnHealthyHostCount")]
    assert len(unhealthy) == 2 and {(a["ComparisonOperator"], a["Threshold"]) for a in unhealthy} == {
        ("GreaterThanThreshold", 0.0)
    }
    assert by_metric[("AWS/RDS", "FreeStorageSpace")][0]["ComparisonOperator"] == "LessThanThreshold"
    assert by_metric[("AWS/RDS", "DatabaseConnections")][0]["ComparisonOperator"] == "GreaterThanThreshold"
    for a in alarms.values():
        assert_owned(cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"], a["AlarmName"])


# --- re-runs ----------------------------------------------------------------------------------------


def test_second_run_changes_nothing_and_writes_nothing(env, converged):
    assert_changes_nothing(env["emu"], lambda: site(env))


def test_check_diff_on_the_converged_stack_writes_nothing(env, converged):
    assert_changes_nothing(env["emu"], lambda: site(env, check=True, diff=True))


# --- image tags and rollback ------------------------------------------------------------------------


def _api_revision(env):
    td = _task_definition(client(env, "ecs"), "api")[1]
    return td["revision"], td["containerDefinitions"][0]["image"]


def test_image_tags_and_rollback(env, converged):
    a = site(env, tags="compute", extra_vars={"ecs_image_tags": {"api": "A"}})
    assert a.rc == 0, a.failure_messages()
    rev_a, image_a = _api_revision(env)
    assert image_a.endswith(":A")
    b = site(env, tags="compute", extra_vars={"ecs_image_tags": {"api": "B"}})
    assert b.rc == 0, b.failure_messages()
    rev_b, image_b = _api_revision(env)
    assert image_b.endswith(":B") and rev_b > rev_a
    back = run_playbook(
        "playbooks/rollback.yml",
        env["inventory"],
        env["endpoint"],
        outputs_dir=env["outputs"],
        extra_vars={"stack": STACK, "rollback_service": "api"},
    )
    assert back.rc == 0, back.failure_messages()
    assert _api_revision(env) == (rev_a, image_a)
    # A deploy without an image tag keeps the image the service runs (CI owns images) and registers nothing.
    mark = env["emu"].mark()
    again = site(env, tags="compute")
    assert again.rc == 0, again.failure_messages()
    assert _api_revision(env) == (rev_a, image_a)
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


# --- teardown ---------------------------------------------------------------------------------------


def teardown(env, **kwargs):
    return run_playbook(
        "playbooks/teardown.yml", env["inventory"], env["endpoint"], outputs_dir=env["outputs"], **kwargs
    )


def test_teardown_refuses_a_bucket_with_objects(env, converged):
    s3 = client(env, "s3")
    bucket = f"{PREFIX}-backups"
    # The bucket denies plain HTTP (TLS-only policy) and the emulator speaks HTTP: lift it to put the object.
    policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="dump.sql.gz", Body=b"x")
    mark = env["emu"].mark()
    run = teardown(env)
    assert run.rc != 0
    assert bucket in run.failure_messages() and "storage_allow_delete_nonempty_buckets" in run.failure_messages()
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))
    for v in s3.list_object_versions(Bucket=bucket).get("Versions", []):
        s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)


def test_teardown_refuses_a_database_without_final_snapshot(env, converged):
    mark = env["emu"].mark()
    run = teardown(env, extra_vars={"database_final_snapshot": False})
    assert run.rc != 0
    assert "database_final_snapshot" in run.failure_messages(), run.failure_messages()
    assert writes_since(env, mark) == [], summarize(writes_since(env, mark))


def test_teardown_removes_everything_the_stack_owns(env, converged):
    run = teardown(env)
    assert run.rc == 0, run.failure_messages()
    # The final snapshot is kept on purpose.
    assert stack_leftovers(env["endpoint"], STACK, kept=lambda arn: ":snapshot:" in arn) == []
    rds = client(env, "rds")
    snaps = rds.describe_db_snapshots(DBInstanceIdentifier=f"{PREFIX}-pg", SnapshotType="manual")["DBSnapshots"]
    assert len(snaps) == 1
    assert rds.describe_db_instances()["DBInstances"] == []
    assert client(env, "ec2").describe_vpcs(Filters=[{"Name": "tag:stack", "Values": [STACK]}])["Vpcs"] == []
    clusters = client(env, "ecs").describe_clusters(clusters=[f"{PREFIX}-cluster"])["clusters"]
    assert [c for c in clusters if c["status"] == "ACTIVE"] == []
    assert [
        s for s in client(env, "secretsmanager").list_secrets()["SecretList"] if s["Name"].startswith(SECRET_PREFIX)
    ] == []
    assert client(env, "elbv2").describe_load_balancers()["LoadBalancers"] == []
    assert client(env, "efs").describe_file_systems()["FileSystems"] == []
    assert [r for r in client(env, "iam").list_roles()["Roles"] if r["RoleName"].startswith(PREFIX)] == []
    assert client(env, "iam").list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert [b for b in client(env, "s3").list_buckets()["Buckets"] if b["Name"].startswith(PREFIX)] == []
    assert client(env, "ecr").describe_repositories()["repositories"] == []
    assert client(env, "cloudwatch").describe_alarms()["MetricAlarms"] == []
    again = teardown(env)
    assert again.rc == 0 and again.changed_tasks() == [], again.failure_messages()
