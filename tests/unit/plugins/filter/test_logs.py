"""Unit tests of the logs filters: role items as stacksmith.aws.cloudwatch_log_groups config."""

from __future__ import annotations

import pytest
from ansible_collections.stacksmith.aws.plugins.filter.logs import ecs_log_group_config, log_group_config


def test_ecs_default_and_explicit_log_group_in_service_order():
    services = [{"name": "web"}, {"name": "api", "log_group": "/custom/api"}, {"name": "jobs", "log_group": ""}]
    assert ecs_log_group_config(services, "/ecs/shop/prod/", "30") == [
        {"name": "/ecs/shop/prod/web", "retention_days": 30, "kms_key_id": None, "tags": {}},
        {"name": "/custom/api", "retention_days": 30, "kms_key_id": None, "tags": {}},
        {"name": "/ecs/shop/prod/jobs", "retention_days": 30, "kms_key_id": None, "tags": {}},
    ]


@pytest.mark.parametrize("retention", [None, ""])
def test_ecs_no_retention_is_never_expire(retention):
    assert ecs_log_group_config([{"name": "a"}], "/p/", retention)[0]["retention_days"] is None


def test_ecs_empty():
    assert ecs_log_group_config([], "/p/", 30) == []
    assert ecs_log_group_config(None, "/p/", 30) == []


@pytest.mark.parametrize(
    ("item", "expected_retention"),
    [({"name": "/a"}, 30), ({"name": "/a", "retention_days": 90}, 90), ({"name": "/a", "retention_days": None}, 30)],
)
def test_log_group_default_retention(item, expected_retention):
    assert log_group_config([item], 30)[0]["retention_days"] == expected_retention


def test_log_group_kms_and_tags_kept():
    key = "arn:aws:kms:us-east-1:123456789012:key/k"
    assert log_group_config([{"name": "/a", "kms_key_id": key, "tags": {"team": "x"}}, {"name": "/b"}], 30) == [
        {"name": "/a", "retention_days": 30, "kms_key_id": key, "tags": {"team": "x"}},
        {"name": "/b", "retention_days": 30, "kms_key_id": None, "tags": {}},
    ]
