# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring role's alarms as the ``config`` of stacksmith.aws.cloudwatch_metric_alarms (one call for all)."""

from __future__ import annotations

from typing import Any

DOCUMENTATION = r"""
name: metric_alarm_config
short_description: The alarms of the monitoring role as the config of stacksmith.aws.cloudwatch_metric_alarms
description:
  - Takes C(monitoring_alarms) and returns one C(config) item of M(stacksmith.aws.cloudwatch_metric_alarms) per
    alarm, in order; the alarm is named C(<prefix>-<name>), notifies the topic on C(ALARM) and C(OK), and gets the
    role's defaults (period 60 s, 1 evaluation period, missing data not breaching).
  - Empty optional values (V(null), V('')) are left out, as the role's items leave them empty.
positional: _input, prefix, topic_arn
options:
  _input:
    description: The alarm items (C(name), C(namespace), C(metric_name), C(statistic) or C(extended_statistic), ...).
    type: list
    elements: dict
    required: true
  prefix:
    description: The prefix of every alarm name (the stack prefix).
    type: str
    required: true
  topic_arn:
    description: The ARN of the SNS topic every alarm notifies.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Converge every alarm of the stack in one call
  stacksmith.aws.cloudwatch_metric_alarms:
    config: "{{ monitoring_alarms | stacksmith.aws.metric_alarm_config('shop-prod', topic_arn) }}"
"""

RETURN = r"""
_value:
  description: The config items of stacksmith.aws.cloudwatch_metric_alarms.
  type: list
  elements: dict
"""

OPTIONAL = ("description", "statistic", "extended_statistic", "unit", "datapoints_to_alarm")
DEFAULTS = {"period": 60, "evaluation_periods": 1, "treat_missing_data": "notBreaching"}
INTEGERS = ("period", "evaluation_periods", "datapoints_to_alarm")


def _empty(value: Any) -> bool:
    return value is None or value == ""


def metric_alarm_config(alarms: list[dict], prefix: str, topic_arn: str) -> list[dict]:
    config = []
    for alarm in alarms or []:
        item = {
            "name": f"{prefix}-{alarm['name']}",
            "namespace": alarm["namespace"],
            "metric_name": alarm["metric_name"],
            "comparison": alarm["comparison"],
            "threshold": float(alarm["threshold"]),
            "dimensions": {str(key): str(value) for key, value in (alarm.get("dimensions") or {}).items()},
            "alarm_actions": [topic_arn],
            "ok_actions": [topic_arn],
        }
        for key, default in DEFAULTS.items():
            item[key] = default if _empty(alarm.get(key)) else alarm[key]
        for key in OPTIONAL:
            if not _empty(alarm.get(key)):
                item[key] = alarm[key]
        for key in INTEGERS:
            if key in item:
                item[key] = int(item[key])
        config.append(item)
    return config


class FilterModule:
    def filters(self):
        return {"metric_alarm_config": metric_alarm_config}
