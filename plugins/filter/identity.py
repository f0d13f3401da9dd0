# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `identity` role's roles as the ``config`` of stacksmith.aws.iam_roles (one module call for every role)."""

from __future__ import annotations

from typing import Any

DOCUMENTATION = r"""
name: iam_role_config
short_description: The identity role's IAM roles as the config of stacksmith.aws.iam_roles
description:
  - Takes the role items of the C(identity) role (C(identity_roles) plus the GitHub deploy role) and returns the
    C(config) list of M(stacksmith.aws.iam_roles).
  - A role without C(trust) is assumed by its C(service_principal) (with the C(aws:SourceAccount) condition when one
    is given); its C(statements) become one inline policy C(<name>-policy) (none when there are no statements);
    C(description) and C(max_session_duration) are set only when given.
positional: _input
options:
  _input:
    description: The role items.
    type: list
    elements: dict
    required: true
  source_account_condition:
    description: The condition block of a service role's trust statement (empty for none).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Converge every role of the stack in one call
  stacksmith.aws.iam_roles:
    config: "{{ __identity_role_items | stacksmith.aws.iam_role_config(__identity_source_account_condition) }}"
"""

RETURN = r"""
_value:
  description: The config items (name, assume_role_policy, managed_policy_arns, inline_policies, ...).
  type: list
  elements: dict
"""


def service_trust(service_principal: str, condition: dict[str, Any] | None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "AssumedByService",
        "Effect": "Allow",
        "Principal": {"Service": service_principal},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def iam_role_config(items: list[dict[str, Any]], source_account_condition: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items or []:
        config: dict[str, Any] = {
            "name": item["name"],
            "assume_role_policy": item.get("trust")
            or service_trust(item.get("service_principal") or "", source_account_condition),
            "managed_policy_arns": list(item.get("managed_policy_arns") or []),
            "inline_policies": (
                {f"{item['name']}-policy": {"Version": "2012-10-17", "Statement": list(item["statements"])}}
                if item.get("statements")
                else {}
            ),
        }
        if item.get("description"):
            config["description"] = item["description"]
        if item.get("max_session_duration"):
            config["max_session_duration"] = int(item["max_session_duration"])
        out.append(config)
    return out


class FilterModule:
    def filters(self):
        return {"iam_role_config": iam_role_config}
