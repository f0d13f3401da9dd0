"""EC2 flow logs: S3 flow logs keep their ``DestinationOptions``; CloudWatch ones report ``LogDestination``.

Real EC2 returns, in DescribeFlowLogs, the ``DestinationOptions`` of an S3 flow log (``FileFormat``
plain-text|parquet, ``HiveCompatiblePartitions``, ``PerHourPartition``; defaults plain-text / false / false),
and for a CloudWatch Logs flow log created with ``LogGroupName`` the log group ARN as ``LogDestination``.
moto drops ``DestinationOptions`` on create and leaves ``LogDestination`` empty, so a parquet flow log looks
changed on every re-run (and a module comparing them refuses an "immutable" change that was never asked for).

Patch: ``FlowLogs.create_flow_logs`` (the EC2 response handler) records both on the new flow logs.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

DEFAULT_OPTIONS = {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False}


@shim(
    name="ec2_flow_log_destination",
    service="ec2",
    real_behaviour=(
        "DescribeFlowLogs returns DestinationOptions (defaults plain-text/false/false) for S3 flow logs and the "
        "log group ARN as LogDestination for CloudWatch Logs flow logs."
    ),
    moto_behaviour="DestinationOptions is dropped on create and LogDestination stays empty for log-group flow logs.",
)
def apply() -> None:
    from moto.ec2.responses.flow_logs import FlowLogs

    original = FlowLogs.create_flow_logs

    @functools.wraps(original)
    def create_flow_logs(self: Any) -> Any:
        asked = {}
        for key in DEFAULT_OPTIONS:
            value = self._get_param(f"DestinationOptions.{key}")
            if value is not None:
                asked[key] = value if key == "FileFormat" else str(value).lower() == "true"
        before = set(self.ec2_backend.flow_logs)
        result = original(self)
        for flow_log_id in [fid for fid in self.ec2_backend.flow_logs if fid not in before]:  # creation order
            flow_log = self.ec2_backend.flow_logs[flow_log_id]
            if flow_log.log_destination_type == "s3":
                flow_log.destination_options = {**DEFAULT_OPTIONS, **asked}
            elif flow_log.log_destination_type == "cloud-watch-logs" and not flow_log.log_destination:
                flow_log.log_destination = (
                    f"arn:aws:logs:{self.region}:{self.current_account}:log-group:{flow_log.log_group_name}"
                )
        return result

    FlowLogs.create_flow_logs = create_flow_logs  # type: ignore[method-assign]
