"""EFS: implement ``PutBackupPolicy`` (``PUT /2015-02-01/file-systems/{FileSystemId}/backup-policy``).

Real EFS turns AWS Backup automatic backups of a file system on or off (``{"BackupPolicy": {"Status": "ENABLED" |
"DISABLED"}}``) and answers 200 with the policy; DescribeBackupPolicy then reports it. moto routes the path for
DescribeBackupPolicy only: ``EFSResponse`` has no ``put_backup_policy`` handler, so the request ends in an HTTP 500.

Patch: a ``put_backup_policy`` handler on ``EFSResponse`` that sets moto's ``FileSystem._backup`` flag (which moto's
DescribeBackupPolicy reads) and answers ``{"BackupPolicy": {"Status": ...}}``; 404 ``FileSystemNotFound`` for an
unknown id, 400 ``BadRequest`` for a status other than ENABLED / DISABLED. moto's DescribeBackupPolicy keeps its own
answer for a disabled policy (``PolicyNotFound``). Not modelled: the transitional ENABLING / DISABLING states.
"""

from __future__ import annotations

import json
from typing import Any

from . import shim


@shim(
    name="efs_put_backup_policy",
    service="efs",
    real_behaviour=(
        "PutBackupPolicy (PUT /2015-02-01/file-systems/{FileSystemId}/backup-policy) enables or disables automatic "
        "backups and answers {'BackupPolicy': {'Status': ...}}; DescribeBackupPolicy reports it."
    ),
    moto_behaviour="No handler for the operation: HTTP 500.",
)
def apply() -> None:
    from moto.efs.exceptions import BadRequest, FileSystemNotFound
    from moto.efs.responses import EFSResponse

    def put_backup_policy(self: Any) -> tuple[str, dict[str, Any]]:
        file_system_id = self._get_param("FileSystemId") or self.path.rstrip("/").split("/")[-2]
        file_system = self.efs_backend.file_systems_by_id.get(file_system_id)
        if file_system is None:
            raise FileSystemNotFound(file_system_id)
        status = (self._get_param("BackupPolicy") or {}).get("Status")
        if status not in ("ENABLED", "DISABLED"):
            raise BadRequest("BackupPolicy.Status must be ENABLED or DISABLED")
        file_system._backup = status == "ENABLED"
        return json.dumps({"BackupPolicy": {"Status": status}}), {"Content-Type": "application/json"}

    EFSResponse.put_backup_policy = put_backup_policy  # type: ignore[attr-defined]
