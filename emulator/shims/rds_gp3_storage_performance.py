"""RDS: a gp3 DB instance reports its baseline IOPS and storage throughput.

On AWS every gp3 DB instance has provisioned IOPS and throughput, and DescribeDBInstances reports them as ``Iops``
and ``StorageThroughput``: the baseline when none were asked for. For MariaDB, MySQL, PostgreSQL and Db2 the baseline
is 3,000 IOPS and 125 MiBps below 400 GiB and 12,000 IOPS and 500 MiBps from 400 GiB (Oracle: threshold 200 GiB;
SQL Server: always 3,000 and 125). ``amazon.aws.rds_instance`` reads ``instance["StorageThroughput"]`` of every gp3
instance when it compares a re-run. moto reports neither key unless they were given at create, so that re-run fails
with ``KeyError: 'StorageThroughput'``.

Patch: ``DBInstance.iops`` and ``DBInstance.storage_throughput`` become properties that fall back to the baseline
(from the engine and the current allocated storage) for a gp3 instance outside a cluster; values given at create or
modify still win.
"""

from __future__ import annotations

from typing import Any

from . import shim

# (threshold GiB, (iops, MiBps) below, (iops, MiBps) from the threshold); None: no threshold.
_BASELINES: dict[str, tuple[int | None, tuple[int, int], tuple[int, int]]] = {
    "oracle": (200, (3000, 125), (12000, 500)),
    "sqlserver": (None, (3000, 125), (3000, 125)),
}
_DEFAULT = (400, (3000, 125), (12000, 500))


def gp3_baseline(engine: str | None, allocated_storage: Any) -> tuple[int, int]:
    """(IOPS, MiBps) AWS gives a gp3 DB instance of this engine and size when none are provisioned."""
    family = next((key for key in _BASELINES if (engine or "").startswith(key)), None)
    threshold, below, above = _BASELINES.get(family, _DEFAULT) if family else _DEFAULT
    try:
        size = int(allocated_storage or 0)
    except (TypeError, ValueError):
        size = 0
    if threshold is None or size < threshold:
        return below
    return above


def _is_gp3_instance(db: Any) -> bool:
    return getattr(db, "storage_type", None) == "gp3" and getattr(db, "db_cluster_identifier", None) is None


@shim(
    name="rds_gp3_storage_performance",
    service="rds",
    real_behaviour=(
        "A gp3 DB instance reports Iops and StorageThroughput: the baseline (3000 IOPS / 125 MiBps below "
        "400 GiB, 12000 / 500 from 400 GiB for PostgreSQL and MySQL) unless provisioned."
    ),
    moto_behaviour=(
        "Neither key unless given at create; amazon.aws.rds_instance fails on re-run with KeyError 'StorageThroughput'."
    ),
)
def apply() -> None:
    from moto.rds.models import DBInstance

    original_throughput = DBInstance.storage_throughput

    def get_iops(self: Any) -> Any:
        value = self.__dict__.get("_stacksmith_iops")
        if value is None and _is_gp3_instance(self):
            return gp3_baseline(self.engine, self.allocated_storage)[0]
        return value

    def set_iops(self: Any, value: Any) -> None:
        self.__dict__["_stacksmith_iops"] = value

    def get_throughput(self: Any) -> Any:
        value = original_throughput.fget(self) if "_storage_throughput" in self.__dict__ else None
        if value is None and _is_gp3_instance(self):
            return gp3_baseline(self.engine, self.allocated_storage)[1]
        return value

    DBInstance.iops = property(get_iops, set_iops)  # type: ignore[assignment]
    DBInstance.storage_throughput = property(get_throughput, original_throughput.fset)  # type: ignore[assignment]
