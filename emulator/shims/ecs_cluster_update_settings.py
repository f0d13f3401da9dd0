"""ECS: implement ``UpdateClusterSettings`` (the Container Insights setting of a cluster).

Real ECS answers ``UpdateClusterSettings(cluster, settings=[{name: containerInsights, value}])`` with the updated
cluster; the named settings replace the cluster's settings of the same name, the others are kept. An unknown
cluster is ``ClusterNotFoundException``. moto 5.2.5 implements ``UpdateCluster`` but has no handler for
``UpdateClusterSettings``: the request fails with an HTML 500, which botocore retries before giving up.

Patch: an ``update_cluster_settings`` handler on ``EC2ContainerServiceResponse`` that merges the settings into
moto's cluster through the backend's ``update_cluster`` (which raises moto's own ``ClusterNotFoundException``).
"""

from __future__ import annotations

from typing import Any

from . import shim


@shim(
    name="ecs_cluster_update_settings",
    service="ecs",
    real_behaviour=(
        "UpdateClusterSettings sets the named cluster settings (containerInsights enabled|disabled|enhanced), keeps "
        "the others and returns the cluster; ClusterNotFoundException for an unknown cluster."
    ),
    moto_behaviour="No handler for UpdateClusterSettings: HTML 500 (retried by botocore, then an error).",
)
def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.ecs.responses import EC2ContainerServiceResponse

    def update_cluster_settings(self: Any) -> Any:
        cluster_name = self._get_param("cluster")
        wanted = self._get_param("settings") or []
        cluster = self.ecs_backend._get_cluster(cluster_name)
        names = {setting.get("name") for setting in wanted}
        merged = [dict(s) for s in (cluster.settings or []) if s.get("name") not in names]
        merged += [{"name": s.get("name"), "value": s.get("value")} for s in wanted]
        cluster = self.ecs_backend.update_cluster(
            cluster_name=cluster_name, cluster_settings=merged, configuration=None, service_connect_defaults=None
        )
        return ActionResult({"cluster": cluster})

    if not hasattr(EC2ContainerServiceResponse, "update_cluster_settings"):
        EC2ContainerServiceResponse.update_cluster_settings = update_cluster_settings  # type: ignore[attr-defined]
