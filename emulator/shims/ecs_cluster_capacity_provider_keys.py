"""ECS: clusters always carry ``capacityProviders`` and ``defaultCapacityProviderStrategy`` (empty lists by default).

Real ECS returns both keys, as ``[]``, for a cluster created without capacity providers, in CreateCluster and
DescribeClusters (and every other response that embeds a cluster). moto stores ``None`` and its serializer drops the
keys, so ``community.aws.ecs_cluster`` raises ``KeyError: 'capacityProviders'`` when it runs a second time.

Patch: ``moto.ecs.models.Cluster.__init__`` replaces ``None`` by ``[]`` for both attributes.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim


@shim(
    name="ecs_cluster_capacity_provider_keys",
    service="ecs",
    real_behaviour=(
        "A cluster created without capacity providers has capacityProviders: [] and "
        "defaultCapacityProviderStrategy: [] in CreateCluster and DescribeClusters responses."
    ),
    moto_behaviour=(
        "Both keys are omitted, so community.aws.ecs_cluster fails with KeyError 'capacityProviders' on re-run."
    ),
)
def apply() -> None:
    from moto.ecs.models import Cluster

    original_init = Cluster.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self.capacity_providers is None:
            self.capacity_providers = []
        if self.default_capacity_provider_strategy is None:
            self.default_capacity_provider_strategy = []

    Cluster.__init__ = __init__  # type: ignore[method-assign]
