"""ecs_cluster_update_settings: UpdateClusterSettings sets Container Insights as real ECS does."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.client import EmulatorClient


def _insights(cluster: dict[str, Any]) -> str | None:
    return {s["name"]: s["value"] for s in cluster.get("settings", [])}.get("containerInsights")


def test_update_cluster_settings_sets_container_insights(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    ecs.create_cluster(clusterName="insights", settings=[{"name": "containerInsights", "value": "disabled"}])

    answer = ecs.update_cluster_settings(
        cluster="insights", settings=[{"name": "containerInsights", "value": "enhanced"}]
    )["cluster"]
    assert answer["clusterName"] == "insights"
    assert _insights(answer) == "enhanced"

    described = ecs.describe_clusters(clusters=["insights"], include=["SETTINGS"])["clusters"][0]
    assert _insights(described) == "enhanced"
    assert [s["name"] for s in described["settings"]] == ["containerInsights"]


def test_update_cluster_settings_unknown_cluster(aws: Any, emu: EmulatorClient) -> None:
    ecs = aws("ecs")
    with pytest.raises(ClientError) as error:
        ecs.update_cluster_settings(cluster="missing", settings=[{"name": "containerInsights", "value": "enabled"}])
    assert error.value.response["Error"]["Code"] == "ClusterNotFoundException"
