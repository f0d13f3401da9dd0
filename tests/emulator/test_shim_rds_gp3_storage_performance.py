"""Shim rds_gp3_storage_performance: gp3 DB instances report baseline Iops and StorageThroughput."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import shims
from emulator.client import EmulatorClient
from emulator.shims.rds_gp3_storage_performance import gp3_baseline


def create(rds: Any, identifier: str, **kwargs: Any) -> dict[str, Any]:
    params = {
        "DBInstanceIdentifier": identifier,
        "DBInstanceClass": "db.t4g.micro",
        "Engine": "postgres",
        "MasterUsername": "app_admin",
        "MasterUserPassword": "Password1234567890",
        "AllocatedStorage": 20,
    }
    params.update(kwargs)
    rds.create_db_instance(**params)
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def test_registered_and_applied(emu_server: Any) -> None:
    listed = {item["name"]: item for item in shims.registry()}
    assert listed["rds_gp3_storage_performance"]["applied"] is True


@pytest.mark.parametrize(
    ("engine", "size", "expected"),
    [
        ("postgres", 20, (3000, 125)),
        ("postgres", 400, (12000, 500)),
        ("mysql", 399, (3000, 125)),
        ("oracle-ee", 200, (12000, 500)),
        ("sqlserver-se", 1000, (3000, 125)),
    ],
)
def test_baselines(engine: str, size: int, expected: tuple[int, int]) -> None:
    assert gp3_baseline(engine, size) == expected


def test_gp3_instance_reports_its_baseline(aws: Any, emu: EmulatorClient) -> None:
    rds = aws("rds")
    db = create(rds, "gp3-small", StorageType="gp3")
    assert db["Iops"] == 3000
    assert db["StorageThroughput"] == 125
    db = create(rds, "gp3-large", StorageType="gp3", AllocatedStorage=500)
    assert (db["Iops"], db["StorageThroughput"]) == (12000, 500)


def test_provisioned_values_win_and_gp2_reports_none(aws: Any, emu: EmulatorClient) -> None:
    rds = aws("rds")
    db = create(rds, "gp3-provisioned", StorageType="gp3", AllocatedStorage=500, Iops=15000, StorageThroughput=750)
    assert (db["Iops"], db["StorageThroughput"]) == (15000, 750)
    db = create(rds, "gp2", StorageType="gp2")
    assert "Iops" not in db
    assert "StorageThroughput" not in db
