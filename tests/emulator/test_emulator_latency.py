"""Latency profile: resources stay in their transitional state for profile * scale seconds, as on AWS.

Durations are kept at <= 2 s: most tests set scale 1 with small profile overrides; one uses the default profile with
a tiny scale (so the real ratios, e.g. Multi-AZ vs single-AZ, are what is tested).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.cli import main as cli_main
from emulator.client import EmulatorClient, EmulatorError
from emulator.latency import DEFAULT_PROFILE_PATH, load_profile_file
from emulator.server import EmulatorServer


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.05) -> float:
    """Poll until ``predicate()``; returns the seconds it took (fails the test on timeout)."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            pytest.fail(f"condition not met within {timeout}s")
        time.sleep(step)
    return time.monotonic() - start


def nat_setup(ec2: Any) -> tuple[str, str]:
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return subnet, allocation


def create_db(rds: Any, name: str, multi_az: bool = False, **extra: Any) -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        MasterUserPassword="password123",
        AllocatedStorage=20,
        MultiAZ=multi_az,
        **extra,
    )["DBInstance"]


def db_status(rds: Any, name: str) -> str:
    return str(rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["DBInstanceStatus"])


def timeline_by_id(emu: EmulatorClient) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in emu.timeline()}


# -- configuration -----------------------------------------------------------------------------------------------


def test_default_profile_has_every_documented_key_with_sources(emu: EmulatorClient) -> None:
    profile = load_profile_file(DEFAULT_PROFILE_PATH)
    expected = {
        "nat_gateway": {"create": 100, "delete": 60},
        "alb": {"create": 150, "delete": 30},
        "rds_instance": {"create": 330, "delete": 300},
        "rds_instance_multi_az": {"create": 720, "delete": 300},
        "aurora_cluster": {"create": 180},
        "aurora_instance": {"create": 600},
        "elasticache_replication_group": {"create": 540, "delete": 300},
        "cloudfront_distribution": {"create": 200, "update": 120},
        "efs_file_system": {"create": 10},
        "efs_mount_target": {"create": 80},
        "acm_validation": {"create": 40},
        "ecs_service_deployment": {"create": 70},
        "apprunner_service": {"create": 180},
    }
    for key, phases in expected.items():
        for phase, seconds in phases.items():
            assert profile[key][phase] == seconds, (key, phase)
        assert profile[key]["source"]
    config = emu.latency()
    assert config["scale"] == 0.0
    assert config["profile"]["rds_instance"] == {"create": 330.0, "delete": 300.0}
    names = {rule["name"] for rule in config["rules"]}
    assert {"nat_gateway", "rds_instance", "elbv2_load_balancer", "ecs_service_deployment", "efs"} <= names
    for rule in config["rules"]:
        assert rule["real_behaviour"] and rule["moto_behaviour"] and rule["emulation"] and rule["applied"]


def test_latency_config_survives_reset_but_the_timeline_does_not(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=0.5, profile={"nat_gateway": {"create": 3, "delete": 1}})
    ec2 = aws("ec2")
    subnet, allocation = nat_setup(ec2)
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    [record] = emu.timeline()
    assert record["seconds"] == pytest.approx(1.5, abs=1e-3)
    emu.reset()
    assert emu.timeline() == []
    config = emu.latency()
    assert config["scale"] == 0.5
    assert config["profile"]["nat_gateway"] == {"create": 3.0, "delete": 1.0}
    assert config["overrides"] == {"nat_gateway": {"create": 3.0, "delete": 1.0}}
    assert emu.reset_latency()["scale"] == 0.0
    assert emu.latency()["overrides"] == {}


@pytest.mark.parametrize(
    "payload",
    [{"scale": -1}, {"scale": "fast"}, {"profile": {"no_such_key": 3}}, {"profile": {"nat_gateway": {"boot": 1}}}],
)
def test_invalid_latency_config_is_refused(emu: EmulatorClient, payload: dict[str, Any]) -> None:
    with pytest.raises(EmulatorError, match="HTTP 400"):
        emu.set_latency(**payload)
    assert emu.latency()["scale"] == 0.0


def test_scale_zero_keeps_everything_instant(emu: EmulatorClient, aws: Any) -> None:
    ec2, rds, efs = aws("ec2"), aws("rds"), aws("efs")
    subnet, allocation = nat_setup(ec2)
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]
    assert nat["State"] == "available"
    assert create_db(rds, "instant-db")["DBInstanceStatus"] == "available"
    assert create_db(rds, "instant-maz", multi_az=True)["DBInstanceStatus"] == "available"
    fs = efs.create_file_system(CreationToken="instant")
    assert fs["LifeCycleState"] == "available"
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["State"] == "deleted"
    rds.delete_db_instance(DBInstanceIdentifier="instant-db", SkipFinalSnapshot=True)
    with pytest.raises(ClientError, match="DBInstanceNotFound"):
        rds.describe_db_instances(DBInstanceIdentifier="instant-db")
    records = emu.timeline()
    assert {r["kind"] for r in records} == {"nat_gateway", "db_instance", "file_system"}
    for record in records:
        assert record["seconds"] == 0 and record["ready"] == record["created"]
        if record["deleted"] is not None:
            assert record["delete_done"] == record["deleted"]


# -- EC2 NAT gateways --------------------------------------------------------------------------------------------


def test_nat_gateway_pending_then_available_and_deleting_then_deleted(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"nat_gateway": {"create": 1.0, "delete": 1.5}})
    ec2 = aws("ec2")
    subnet, allocation = nat_setup(ec2)
    start = time.monotonic()
    nat_id = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    state = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"]
    assert state == "pending"
    pending = ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["pending"]}])["NatGateways"]
    assert [n["NatGatewayId"] for n in pending] == [nat_id]
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat_id], WaiterConfig={"Delay": 0.2, "MaxAttempts": 30})
    assert time.monotonic() - start >= 1.0
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"] == "available"

    start = time.monotonic()
    ec2.delete_nat_gateway(NatGatewayId=nat_id)
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"] == "deleting"
    wait_for(lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["State"] == "deleted")
    assert time.monotonic() - start >= 1.5
    record = timeline_by_id(emu)[nat_id]
    assert record["ready"] - record["created"] == pytest.approx(1.0, abs=1e-3)
    assert record["delete_done"] - record["deleted"] == pytest.approx(1.5, abs=1e-3)
    assert record["deleted"] >= record["ready"]


# -- RDS ---------------------------------------------------------------------------------------------------------


def test_rds_instance_creating_until_its_delay_and_the_botocore_waiter_sees_it(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"rds_instance": {"create": 1.0, "delete": 0.6}})
    rds = aws("rds")
    start = time.monotonic()
    assert create_db(rds, "slow-db")["DBInstanceStatus"] == "creating"
    assert db_status(rds, "slow-db") == "creating"
    with pytest.raises(ClientError, match="InvalidDBInstanceState"):
        rds.stop_db_instance(DBInstanceIdentifier="slow-db")  # AWS refuses too while it is creating
    rds.get_waiter("db_instance_available").wait(
        DBInstanceIdentifier="slow-db", WaiterConfig={"Delay": 0.5, "MaxAttempts": 20}
    )
    elapsed = time.monotonic() - start
    assert 1.0 <= elapsed < 3.0
    assert db_status(rds, "slow-db") == "available"
    record = timeline_by_id(emu)["slow-db"]
    assert record["kind"] == "db_instance" and record["service"] == "rds" and record["profile_key"] == "rds_instance"
    assert record["ready"] - record["created"] == pytest.approx(1.0, abs=1e-3)

    # delete: AWS keeps listing it as 'deleting' until it is gone (a tombstone here)
    start = time.monotonic()
    deleted = rds.delete_db_instance(DBInstanceIdentifier="slow-db", SkipFinalSnapshot=True)["DBInstance"]
    assert deleted["DBInstanceStatus"] == "deleting"
    assert db_status(rds, "slow-db") == "deleting"
    assert "slow-db" in [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
    rds.get_waiter("db_instance_deleted").wait(
        DBInstanceIdentifier="slow-db", WaiterConfig={"Delay": 0.25, "MaxAttempts": 20}
    )
    assert time.monotonic() - start >= 0.6
    with pytest.raises(ClientError, match="DBInstanceNotFound"):
        rds.describe_db_instances(DBInstanceIdentifier="slow-db")
    record = timeline_by_id(emu)["slow-db"]
    assert record["delete_done"] - record["deleted"] == pytest.approx(0.6, abs=1e-3)


def test_read_replica_gets_its_own_timer(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"rds_instance": 0.4})
    rds = aws("rds")
    create_db(rds, "primary-db")
    wait_for(lambda: db_status(rds, "primary-db") == "available")
    replica = rds.create_db_instance_read_replica(
        DBInstanceIdentifier="replica-db", SourceDBInstanceIdentifier="primary-db"
    )["DBInstance"]
    assert replica["DBInstanceStatus"] == "creating"
    assert db_status(rds, "primary-db") == "available"
    wait_for(lambda: db_status(rds, "replica-db") == "available")
    assert [r["id"] for r in emu.timeline()] == ["primary-db", "replica-db"]


def test_an_idempotent_create_keeps_the_running_timer() -> None:
    from emulator.latency import TIMELINE, start_timer

    class Resource:
        pass

    TIMELINE.clear()
    resource = Resource()
    first = start_timer(resource, "thing", "id-1", "svc", "nat_gateway")
    assert start_timer(resource, "thing", "id-1", "svc", "nat_gateway") is first  # a retried create, same object
    copied = start_timer(resource, "thing", "id-2", "svc", "nat_gateway")  # a copy under another id
    assert copied is not first
    assert [r["id"] for r in TIMELINE.records()] == ["id-1", "id-2"]
    TIMELINE.clear()


def test_multi_az_rds_takes_longer_than_single_az(emu: EmulatorClient, aws: Any) -> None:
    # the default profile (330 s / 720 s) at a tiny scale: 0.495 s and 1.08 s
    emu.set_latency(scale=0.0015)
    rds = aws("rds")
    start = time.monotonic()
    create_db(rds, "single-az")
    create_db(rds, "multi-az", multi_az=True)
    wait_for(lambda: db_status(rds, "single-az") == "available")
    single = time.monotonic() - start
    assert db_status(rds, "multi-az") == "creating"
    wait_for(lambda: db_status(rds, "multi-az") == "available")
    multi = time.monotonic() - start
    assert 0.49 <= single < multi
    assert multi >= 1.05
    records = timeline_by_id(emu)
    assert records["single-az"]["seconds"] == pytest.approx(0.495, abs=1e-3)
    assert records["multi-az"]["seconds"] == pytest.approx(1.08, abs=1e-3)
    assert records["multi-az"]["profile_key"] == "rds_instance_multi_az"


def test_aurora_cluster_then_its_instance(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"aurora_cluster": {"create": 0.5, "delete": 1.5}, "aurora_instance": 2.0})
    rds = aws("rds")
    cluster = rds.create_db_cluster(
        DBClusterIdentifier="aurora-1",
        Engine="aurora-postgresql",
        MasterUsername="admin_user",
        MasterUserPassword="password123",
    )["DBCluster"]
    assert cluster["Status"] == "creating"
    instance = rds.create_db_instance(
        DBInstanceIdentifier="aurora-1-a",
        DBClusterIdentifier="aurora-1",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
    )["DBInstance"]
    assert instance["DBInstanceStatus"] == "creating"

    def cluster_status() -> str:
        return str(rds.describe_db_clusters(DBClusterIdentifier="aurora-1")["DBClusters"][0]["Status"])

    wait_for(lambda: cluster_status() == "available")
    assert db_status(rds, "aurora-1-a") == "creating"
    wait_for(lambda: db_status(rds, "aurora-1-a") == "available")
    assert timeline_by_id(emu)["aurora-1-a"]["profile_key"] == "aurora_instance"

    rds.delete_db_instance(DBInstanceIdentifier="aurora-1-a", SkipFinalSnapshot=True)
    deleted = rds.delete_db_cluster(DBClusterIdentifier="aurora-1", SkipFinalSnapshot=True)["DBCluster"]
    assert deleted["Status"] == "deleting"
    assert cluster_status() == "deleting"
    rds.get_waiter("db_cluster_deleted").wait(
        DBClusterIdentifier="aurora-1", WaiterConfig={"Delay": 0.2, "MaxAttempts": 20}
    )


# -- ELBv2, EFS, ElastiCache -------------------------------------------------------------------------------------


def test_load_balancer_provisioning_then_active(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"alb": 1.0})
    ec2, elbv2 = aws("ec2"), aws("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    start = time.monotonic()
    lb = elbv2.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    assert lb["State"]["Code"] == "provisioning"
    arn = lb["LoadBalancerArn"]
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]["State"]["Code"] == "provisioning"
    elbv2.get_waiter("load_balancer_available").wait(
        LoadBalancerArns=[arn], WaiterConfig={"Delay": 0.2, "MaxAttempts": 20}
    )
    assert time.monotonic() - start >= 1.0
    assert timeline_by_id(emu)[arn]["kind"] == "load_balancer"
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    record = timeline_by_id(emu)[arn]
    assert record["deleted"] is not None and record["delete_done"] == record["deleted"]  # instant delete


def test_efs_creating_then_available_and_mount_target_deletion_blocks_the_file_system(
    emu: EmulatorClient, aws: Any
) -> None:
    emu.set_latency(scale=1.0, profile={"efs_file_system": 1.0, "efs_mount_target": {"create": 1.0, "delete": 1.5}})
    ec2, efs = aws("ec2"), aws("efs")
    fs = efs.create_file_system(CreationToken="slow-fs")
    fs_id = fs["FileSystemId"]
    assert fs["LifeCycleState"] == "creating"
    assert efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["LifeCycleState"] == "creating"
    wait_for(lambda: efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["LifeCycleState"] == "available")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    mt = efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet)
    assert mt["LifeCycleState"] == "creating"

    def mt_states() -> list[str]:
        return [m["LifeCycleState"] for m in efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]]

    assert mt_states() == ["creating"]
    wait_for(lambda: mt_states() == ["available"])
    efs.delete_mount_target(MountTargetId=mt["MountTargetId"])
    assert mt_states() == ["deleting"]
    assert efs.describe_file_systems(FileSystemId=fs_id)["FileSystems"][0]["NumberOfMountTargets"] == 1
    with pytest.raises(ClientError, match="FileSystemInUse"):
        efs.delete_file_system(FileSystemId=fs_id)
    wait_for(lambda: mt_states() == [])
    efs.delete_file_system(FileSystemId=fs_id)
    records = {r["kind"]: r for r in emu.timeline()}
    assert sorted(records) == ["file_system", "mount_target"]
    assert records["mount_target"]["delete_done"] - records["mount_target"]["deleted"] == pytest.approx(1.5, abs=1e-3)
    assert records["file_system"]["delete_done"] == records["file_system"]["deleted"]


def test_elasticache_replication_group_creating_deleting_then_gone(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"elasticache_replication_group": {"create": 1.0, "delete": 1.5}})
    cache = aws("elasticache")
    group = cache.create_replication_group(
        ReplicationGroupId="cache-1",
        ReplicationGroupDescription="test",
        CacheNodeType="cache.t3.micro",
        Engine="redis",
        NumCacheClusters=1,
    )["ReplicationGroup"]
    assert group["Status"] == "creating"
    cache.get_waiter("replication_group_available").wait(
        ReplicationGroupId="cache-1", WaiterConfig={"Delay": 0.2, "MaxAttempts": 20}
    )
    assert cache.delete_replication_group(ReplicationGroupId="cache-1")["ReplicationGroup"]["Status"] == "deleting"
    assert cache.describe_replication_groups(ReplicationGroupId="cache-1")["ReplicationGroups"][0]["Status"] == (
        "deleting"
    )
    cache.get_waiter("replication_group_deleted").wait(
        ReplicationGroupId="cache-1", WaiterConfig={"Delay": 0.2, "MaxAttempts": 20}
    )
    assert cache.describe_replication_groups()["ReplicationGroups"] == []


# -- CloudFront --------------------------------------------------------------------------------------------------


def distribution_config(reference: str, comment: str = "") -> dict[str, Any]:
    return {
        "CallerReference": reference,
        "Comment": comment,
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "origin-1",
                    "DomainName": "example-bucket.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "origin-1",
            "ViewerProtocolPolicy": "redirect-to-https",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            "TrustedSigners": {"Enabled": False, "Quantity": 0},
        },
    }


def test_cloudfront_distribution_in_progress_after_create_and_update(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"cloudfront_distribution": {"create": 0.4, "update": 0.3}})
    cloudfront = aws("cloudfront")
    dist = cloudfront.create_distribution(DistributionConfig=distribution_config("ref-1"))["Distribution"]
    dist_id = dist["Id"]
    assert dist["Status"] == "InProgress"

    def status() -> str:
        return str(cloudfront.get_distribution(Id=dist_id)["Distribution"]["Status"])

    assert status() == "InProgress"
    cloudfront.get_waiter("distribution_deployed").wait(Id=dist_id, WaiterConfig={"Delay": 0.2, "MaxAttempts": 20})
    etag = cloudfront.get_distribution_config(Id=dist_id)["ETag"]
    start = time.monotonic()
    updated = cloudfront.update_distribution(
        Id=dist_id, IfMatch=etag, DistributionConfig=distribution_config("ref-1", "changed")
    )["Distribution"]
    assert updated["Status"] == "InProgress"
    assert status() == "InProgress"
    wait_for(lambda: status() == "Deployed")
    assert time.monotonic() - start >= 0.3
    phases = [(r["phase"], r["seconds"]) for r in emu.timeline() if r["id"] == dist_id]
    assert phases == [("create", 0.4), ("update", 0.3)]


# -- ECS ---------------------------------------------------------------------------------------------------------


def test_ecs_service_deployment_in_progress_then_completed(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=1.0, profile={"ecs_service_deployment": {"create": 0.5, "update": 0.4}})
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="apps")
    for family in ("web", "web2"):
        ecs.register_task_definition(
            family=family, containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}]
        )
    start = time.monotonic()
    service = ecs.create_service(cluster="apps", serviceName="web", taskDefinition="web", desiredCount=2)["service"]
    [deployment] = service["deployments"]
    assert deployment["rolloutState"] == "IN_PROGRESS" and deployment["status"] == "PRIMARY"
    assert (service["runningCount"], service["pendingCount"]) == (0, 2)
    ecs.get_waiter("services_stable").wait(
        cluster="apps", services=["web"], WaiterConfig={"Delay": 0.2, "MaxAttempts": 30}
    )
    assert time.monotonic() - start >= 0.5
    described = ecs.describe_services(cluster="apps", services=["web"])["services"][0]
    [deployment] = described["deployments"]
    assert deployment["rolloutState"] == "COMPLETED"
    assert (described["runningCount"], described["pendingCount"], described["desiredCount"]) == (2, 0, 2)

    updated = ecs.update_service(cluster="apps", service="web", taskDefinition="web2")["service"]
    assert [(d["status"], d["rolloutState"]) for d in updated["deployments"]] == [
        ("PRIMARY", "IN_PROGRESS"),
        ("ACTIVE", "COMPLETED"),
    ]
    assert updated["deployments"][0]["id"] != deployment["id"]
    ecs.get_waiter("services_stable").wait(
        cluster="apps", services=["web"], WaiterConfig={"Delay": 0.2, "MaxAttempts": 30}
    )
    final = ecs.describe_services(cluster="apps", services=["web"])["services"][0]["deployments"]
    assert [(d["status"], d["rolloutState"]) for d in final] == [("PRIMARY", "COMPLETED")]
    records = [r for r in emu.timeline() if r["kind"] == "ecs_service_deployment"]
    assert [r["phase"] for r in records] == ["create", "update"]
    assert all(r["service_arn"].endswith("/web") for r in records)


# -- ACM ---------------------------------------------------------------------------------------------------------


def test_acm_validation_takes_the_profile_time_once_the_record_exists(emu: EmulatorClient, aws: Any) -> None:
    import moto.settings

    emu.set_latency(scale=1.0, profile={"acm_validation": 0.4})
    acm, route53 = aws("acm"), aws("route53")
    original_wait = moto.settings.ACM_VALIDATION_WAIT
    moto.settings.ACM_VALIDATION_WAIT = 0
    try:
        zone = route53.create_hosted_zone(Name="example.com", CallerReference="z1")["HostedZone"]["Id"]
        arn = acm.request_certificate(DomainName="app.example.com", ValidationMethod="DNS")["CertificateArn"]
        record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0][
            "ResourceRecord"
        ]
        assert timeline_by_id(emu)[arn]["ready"] is None
        route53.change_resource_record_sets(
            HostedZoneId=zone,
            ChangeBatch={
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {
                            "Name": record["Name"],
                            "Type": "CNAME",
                            "TTL": 300,
                            "ResourceRecords": [{"Value": record["Value"]}],
                        },
                    }
                ]
            },
        )

        def status() -> str:
            return str(acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"])

        start = time.monotonic()
        assert status() == "PENDING_VALIDATION"  # this check sees the record first: the delay starts here
        wait_for(lambda: status() == "ISSUED")
        assert time.monotonic() - start >= 0.4
        entry = timeline_by_id(emu)[arn]
        assert entry["kind"] == "acm_certificate" and entry["seconds"] == pytest.approx(0.4, abs=1e-3)
        assert entry["ready"] is not None and entry["ready"] > entry["created"]
    finally:
        moto.settings.ACM_VALIDATION_WAIT = original_wait


# -- timeline and CLI --------------------------------------------------------------------------------------------


def test_timeline_records_are_ordered_and_complete(emu: EmulatorClient, aws: Any) -> None:
    emu.set_latency(scale=0.001)
    ec2, rds = aws("ec2"), aws("rds")
    subnet, allocation = nat_setup(ec2)
    before = time.time()
    nat_id = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    create_db(rds, "tl-db")
    after = time.time()
    records = emu.timeline()
    assert [r["seq"] for r in records] == [1, 2]
    assert [r["id"] for r in records] == [nat_id, "tl-db"]
    for record in records:
        assert set(record) >= {"kind", "id", "service", "phase", "created", "ready", "deleted", "delete_done"}
        assert before <= record["created"] <= after
        assert record["deleted"] is None and record["delete_done"] is None
    assert records[0]["ready"] - records[0]["created"] == pytest.approx(0.1, abs=1e-3)
    assert records[1]["ready"] - records[1]["created"] == pytest.approx(0.33, abs=1e-3)


def test_latency_and_timeline_cli(emu_server: EmulatorServer, emu: EmulatorClient, capsys: Any, tmp_path: Any) -> None:
    endpoint = ["--endpoint", emu_server.endpoint]
    assert cli_main(["latency", *endpoint]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["scale"] == 0.0 and shown["profile"]["nat_gateway"]["create"] == 100.0
    overrides = tmp_path / "profile.json"
    overrides.write_text(json.dumps({"_comment": "x", "nat_gateway": {"create": 10, "delete": 5}}))
    assert cli_main(["latency", *endpoint, "--scale", "0.1", "--profile", str(overrides)]) == 0
    changed = json.loads(capsys.readouterr().out)
    assert changed["scale"] == 0.1 and changed["overrides"] == {"nat_gateway": {"create": 10.0, "delete": 5.0}}
    assert emu.latency()["scale"] == 0.1
    assert cli_main(["latency", *endpoint, "--reset"]) == 0
    assert json.loads(capsys.readouterr().out)["scale"] == 0.0
    assert cli_main(["timeline", *endpoint]) == 0
    assert capsys.readouterr().out == ""
