"""CloudWatch: an alarm's tags live and die with the alarm.

Real CloudWatch deletes an alarm's tags with the alarm (DeleteAlarms), so an alarm created again under the same
name starts untagged, and ListTagsForResource on the ARN of an alarm that does not exist answers
``ResourceNotFoundException``. moto keeps the tags in its TaggingService after DeleteAlarms (a re-created alarm
shows the old tags) and answers ListTagsForResource with an empty list for any ARN.

Patch: ``CloudWatchBackend.delete_alarms`` also deletes the tags of the alarms it removes, and
``list_tags_for_resource`` raises ``ResourceNotFoundException`` for an alarm ARN no alarm has (insight rule ARNs
are left as moto handles them).
"""

from __future__ import annotations

from typing import Any

from . import shim


@shim(
    name="cloudwatch_alarm_tags_lifecycle",
    service="cloudwatch",
    real_behaviour=(
        "DeleteAlarms deletes the alarms' tags; ListTagsForResource on a missing alarm ARN is "
        "ResourceNotFoundException."
    ),
    moto_behaviour="Tags survive DeleteAlarms (a re-created alarm is still tagged); a missing alarm ARN lists [].",
)
def apply() -> None:
    from moto.cloudwatch.exceptions import ResourceNotFoundException
    from moto.cloudwatch.models import CloudWatchBackend

    original_delete = CloudWatchBackend.delete_alarms
    original_list = CloudWatchBackend.list_tags_for_resource

    def delete_alarms(self: Any, alarm_names: list[str]) -> None:
        arns = [self.alarms[name].alarm_arn for name in alarm_names if name in self.alarms]
        original_delete(self, alarm_names)
        for arn in arns:
            self.tagger.delete_all_tags_for_resource(arn)

    def list_tags_for_resource(self: Any, arn: str) -> dict[str, str]:
        if ":alarm:" in arn and arn not in {alarm.alarm_arn for alarm in self.alarms.values()}:
            raise ResourceNotFoundException
        return original_list(self, arn)

    CloudWatchBackend.delete_alarms = delete_alarms  # type: ignore[method-assign]
    CloudWatchBackend.list_tags_for_resource = list_tags_for_resource  # type: ignore[method-assign]
