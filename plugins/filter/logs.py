# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Log group items of the roles as the ``config`` of stacksmith.aws.cloudwatch_log_groups (one call for all)."""

from __future__ import annotations

from typing import Any

DOCUMENTATION = r"""
name: ecs_log_group_config
short_description: The log groups of the ecs role's services as the config of stacksmith.aws.cloudwatch_log_groups
description:
  - Takes C(ecs_services) and returns one C(config) item of M(stacksmith.aws.cloudwatch_log_groups) per service, in
    service order; the log group is the service's C(log_group), or C(<default_prefix><name>) when it has none.
  - The companion filter C(log_group_config) takes items that are already log groups (C(name), C(retention_days),
    C(kms_key_id), as C(monitoring_log_groups)) and fills in the default retention.
positional: _input, default_prefix, retention_days
options:
  _input:
    description: The service items (each with C(name), optionally C(log_group)).
    type: list
    elements: dict
    required: true
  default_prefix:
    description: The prefix of the default log group name, for example V(/ecs/shop/prod/).
    type: str
    required: true
  retention_days:
    description: The retention of every log group (V(null) for never expire).
    type: int
"""

EXAMPLES = r"""
- name: Converge the log groups of every service in one call
  stacksmith.aws.cloudwatch_log_groups:
    config: "{{ ecs_services | stacksmith.aws.ecs_log_group_config('/ecs/shop/prod/', 30) }}"
"""

RETURN = r"""
_value:
  description: The config items (name, retention_days, kms_key_id, tags).
  type: list
  elements: dict
"""


def _retention(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def ecs_log_group_config(services: list[dict], default_prefix: str, retention_days: Any = None) -> list[dict]:
    """One log group item per service: its ``log_group`` or ``<default_prefix><name>``, with the role's retention."""
    return [
        {
            "name": service.get("log_group") or f"{default_prefix}{service['name']}",
            "retention_days": _retention(retention_days),
            "kms_key_id": None,
            "tags": {},
        }
        for service in services or []
    ]


def log_group_config(groups: list[dict], default_retention_days: Any = None) -> list[dict]:
    """Log group items (``name``, ``retention_days``, ``kms_key_id``) with the default retention filled in."""
    config = []
    for group in groups or []:
        retention = group.get("retention_days")
        config.append(
            {
                "name": group["name"],
                "retention_days": _retention(default_retention_days if retention is None else retention),
                "kms_key_id": group.get("kms_key_id") or None,
                "tags": dict(group.get("tags") or {}),
            }
        )
    return config


class FilterModule:
    def filters(self):
        return {"ecs_log_group_config": ecs_log_group_config, "log_group_config": log_group_config}
