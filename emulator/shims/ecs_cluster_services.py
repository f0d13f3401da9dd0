"""ECS: a cluster counts its active services, lists no deleted ones, and cannot be deleted while it runs any.

Real ECS:
- ``activeServicesCount`` of a cluster (DescribeClusters, CreateCluster...) is its number of ACTIVE services;
- ``ListServices`` lists the ACTIVE and DRAINING services of the cluster; a deleted (INACTIVE) service is no longer
  listed (DescribeServices still finds it for a while);
- ``DeleteCluster`` fails with ``ClusterContainsServicesException`` while an ACTIVE or DRAINING service remains, and
  with ``ClusterContainsTasksException`` while a task is not STOPPED.

moto 5.2.5 leaves ``activeServicesCount`` at 0 for ever, lists INACTIVE services, and marks any cluster INACTIVE.

Patch: ``Cluster.active_services_count`` becomes a computed property over the backend's services (its setter ignores
moto's constant); ``list_services`` of the backend drops INACTIVE services; ``delete_cluster`` raises the real
errors first.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

LIVE_SERVICE_STATUSES = ("ACTIVE", "DRAINING")


def _backend_of(cluster: Any) -> Any:
    from moto.ecs.models import ecs_backends

    # arn:aws:ecs:<region>:<account>:cluster/<name>
    parts = cluster.arn.split(":")
    return ecs_backends[parts[4]][parts[3]]


def _services_of(backend: Any, cluster_name: str) -> list[Any]:
    return [service for service in backend.services.values() if service.cluster_name == cluster_name]


@shim(
    name="ecs_cluster_services",
    service="ecs",
    real_behaviour=(
        "activeServicesCount is the number of ACTIVE services of the cluster; ListServices does not list deleted "
        "(INACTIVE) services; DeleteCluster fails with ClusterContainsServicesException while an ACTIVE or DRAINING "
        "service remains and ClusterContainsTasksException while a task is not STOPPED."
    ),
    moto_behaviour=(
        "activeServicesCount stays 0; ListServices lists INACTIVE services; DeleteCluster marks any cluster INACTIVE, "
        "services and tasks included."
    ),
)
def apply() -> None:
    from moto.ecs.exceptions import ECSException
    from moto.ecs.models import Cluster, EC2ContainerServiceBackend

    def _get_count(self: Any) -> int:
        try:
            backend = _backend_of(self)
        except (KeyError, IndexError, AttributeError):
            return 0
        return sum(1 for service in _services_of(backend, self.name) if service.status == "ACTIVE")

    def _set_count(self: Any, value: int) -> None:  # moto assigns 0 in __init__: the count is computed
        pass

    Cluster.active_services_count = property(_get_count, _set_count)  # type: ignore[assignment]

    original_list_services = EC2ContainerServiceBackend.list_services

    @functools.wraps(original_list_services)
    def list_services(self: Any, *args: Any, **kwargs: Any) -> list[str]:
        arns = original_list_services(self, *args, **kwargs)
        inactive = {service.arn for service in self.services.values() if service.status not in LIVE_SERVICE_STATUSES}
        return [arn for arn in arns if arn not in inactive]

    EC2ContainerServiceBackend.list_services = list_services  # type: ignore[method-assign]

    original_delete_cluster = EC2ContainerServiceBackend.delete_cluster

    @functools.wraps(original_delete_cluster)
    def delete_cluster(self: Any, cluster_str: str) -> Any:
        cluster = self._get_cluster(cluster_str)
        if any(service.status in LIVE_SERVICE_STATUSES for service in _services_of(self, cluster.name)):
            raise ECSException(
                "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active."
            )
        tasks = self.tasks.get(cluster.name, {}).values()
        if any(getattr(task, "last_status", "STOPPED") != "STOPPED" for task in tasks):
            raise ECSException("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.")
        return original_delete_cluster(self, cluster_str)

    EC2ContainerServiceBackend.delete_cluster = delete_cluster  # type: ignore[method-assign]
