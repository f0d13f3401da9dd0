"""ec2_security_group_rule_descriptions: every rule's description is reported and can be updated by rule ID."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import shims
from emulator.client import EmulatorClient


def test_ec2_security_group_rule_descriptions_is_registered(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["ec2_security_group_rule_descriptions"]["service"] == "ec2"
    assert listed["ec2_security_group_rule_descriptions"]["applied"] is True


def _groups(ec2: Any) -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.93.0.0/16")["Vpc"]["VpcId"]
    api = ec2.create_security_group(GroupName="api", Description="api", VpcId=vpc_id)["GroupId"]
    alb = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc_id)["GroupId"]
    return api, alb


def _descriptions(ec2: Any, group_id: str) -> dict[str, Any]:
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])
    result = {}
    for rule in rules["SecurityGroupRules"]:
        if rule["IsEgress"]:
            continue
        target = rule.get("CidrIpv4") or rule.get("PrefixListId") or rule["ReferencedGroupInfo"]["GroupId"]
        result[target] = (rule["SecurityGroupRuleId"], rule.get("Description"))
    return result


def test_every_rule_reports_its_description(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    api, alb = _groups(ec2)
    ec2.authorize_security_group_ingress(
        GroupId=api,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3001,
                "ToPort": 3001,
                "UserIdGroupPairs": [{"GroupId": alb, "Description": "from the ALB"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": "pl-0123", "Description": "CDN"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "VPN"}],
            },
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        ],
    )
    found = {target: description for target, (_, description) in _descriptions(ec2, api).items()}
    assert found == {alb: "from the ALB", "pl-0123": "CDN", "10.0.0.0/8": "VPN", "0.0.0.0/0": None}


def test_descriptions_are_set_and_removed_by_rule_id(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    api, alb = _groups(ec2)
    ec2.authorize_security_group_ingress(
        GroupId=api,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3001,
                "ToPort": 3001,
                "UserIdGroupPairs": [{"GroupId": alb, "Description": "old"}],
            },
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-0123"}]},
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "VPN"}],
            },
        ],
    )
    ids = {target: rule_id for target, (rule_id, _) in _descriptions(ec2, api).items()}
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=api,
        SecurityGroupRuleDescriptions=[
            {"SecurityGroupRuleId": ids[alb], "Description": "from the ALB"},
            {"SecurityGroupRuleId": ids["pl-0123"], "Description": "CDN"},
            {"SecurityGroupRuleId": ids["10.0.0.0/8"]},  # no Description: removed
        ],
    )
    found = {target: description for target, (_, description) in _descriptions(ec2, api).items()}
    assert found == {alb: "from the ALB", "pl-0123": "CDN", "10.0.0.0/8": None}


def test_an_unknown_rule_id_changes_nothing(aws: Any, emu: EmulatorClient) -> None:
    ec2 = aws("ec2")
    api, _ = _groups(ec2)
    ec2.authorize_security_group_ingress(
        GroupId=api,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "VPN"}],
            }
        ],
    )
    ((rule_id, _),) = _descriptions(ec2, api).values()
    egress_id = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [api]}])["SecurityGroupRules"]
    egress_id = next(rule["SecurityGroupRuleId"] for rule in egress_id if rule["IsEgress"])
    with pytest.raises(ClientError) as error:
        ec2.update_security_group_rule_descriptions_ingress(
            GroupId=api,
            SecurityGroupRuleDescriptions=[
                {"SecurityGroupRuleId": rule_id, "Description": "changed"},
                {"SecurityGroupRuleId": egress_id, "Description": "an egress rule is not an ingress rule"},
            ],
        )
    assert error.value.response["Error"]["Code"] == "InvalidSecurityGroupRuleId.NotFound"
    assert [description for _, description in _descriptions(ec2, api).values()] == ["VPN"]
