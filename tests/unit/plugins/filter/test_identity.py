"""Unit tests of the identity filter: the role items as stacksmith.aws.iam_roles config."""

from __future__ import annotations

from ansible_collections.stacksmith.aws.plugins.filter.identity import iam_role_config

CONDITION = {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_service_role_with_statements_and_managed_policies():
    items = [
        {
            "name": "p-exec",
            "description": "execution",
            "service_principal": "ecs-tasks.amazonaws.com",
            "managed_policy_arns": ["arn:aws:iam::aws:policy/x"],
            "statements": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            "max_session_duration": "7200",
        }
    ]
    assert iam_role_config(items, CONDITION) == [
        {
            "name": "p-exec",
            "assume_role_policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AssumedByService",
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                        "Condition": CONDITION,
                    }
                ],
            },
            "managed_policy_arns": ["arn:aws:iam::aws:policy/x"],
            "inline_policies": {
                "p-exec-policy": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                }
            },
            "description": "execution",
            "max_session_duration": 7200,
        }
    ]


def test_explicit_trust_no_statements_no_condition():
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity"}]}
    (config,) = iam_role_config([{"name": "deploy", "trust": trust, "statements": [], "description": ""}], {})
    assert config == {"name": "deploy", "assume_role_policy": trust, "managed_policy_arns": [], "inline_policies": {}}
    (service,) = iam_role_config([{"name": "r", "service_principal": "ecs-tasks.amazonaws.com"}], {})
    assert "Condition" not in service["assume_role_policy"]["Statement"][0]
