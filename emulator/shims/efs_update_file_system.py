"""EFS: implement ``UpdateFileSystem`` (``PUT /2015-02-01/file-systems/{FileSystemId}``).

Real EFS changes the throughput mode (``bursting`` / ``provisioned`` / ``elastic``) and the provisioned throughput
of a file system and answers 202 with the file system description. moto routes the path but its ``EFSResponse`` has
no ``update_file_system`` handler, so the request ends in an HTTP 500 (botocore retries it, then fails).

Patch: an ``update_file_system`` handler on ``EFSResponse`` that sets ``throughput_mode`` and
``provisioned_throughput_in_mibps`` on moto's ``FileSystem`` (404 ``FileSystemNotFound`` for an unknown id) and
returns ``info_json()`` with status 202. As on AWS, ``ProvisionedThroughputInMibps`` is required with
``provisioned`` (400 ``BadRequest`` otherwise) and dropped when the mode leaves ``provisioned``. Not modelled: the
once-per-24-hours limit on throughput decreases, and the short ``updating`` life-cycle state.
"""

from __future__ import annotations

import json
from typing import Any

from . import shim


@shim(
    name="efs_update_file_system",
    service="efs",
    real_behaviour=(
        "UpdateFileSystem (PUT /2015-02-01/file-systems/{FileSystemId}) sets ThroughputMode and "
        "ProvisionedThroughputInMibps and answers 202 with the file system description."
    ),
    moto_behaviour="No handler for the operation: HTTP 500.",
)
def apply() -> None:
    from moto.efs.exceptions import BadRequest, FileSystemNotFound
    from moto.efs.responses import EFSResponse

    def update_file_system(self: Any) -> tuple[str, dict[str, Any]]:
        file_system_id = self._get_param("FileSystemId") or self.path.rstrip("/").rsplit("/", 1)[-1]
        file_system = self.efs_backend.file_systems_by_id.get(file_system_id)
        if file_system is None:
            raise FileSystemNotFound(file_system_id)
        mode = self._get_param("ThroughputMode") or file_system.throughput_mode
        mibps = self._get_param("ProvisionedThroughputInMibps")
        if mode == "provisioned":
            mibps = mibps if mibps is not None else file_system.provisioned_throughput_in_mibps
            if mibps is None:
                raise BadRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned")
        else:
            mibps = None
        file_system.throughput_mode = mode
        file_system.provisioned_throughput_in_mibps = mibps
        return json.dumps(file_system.info_json()), {"status": 202, "Content-Type": "application/json"}

    EFSResponse.update_file_system = update_file_system  # type: ignore[attr-defined]
