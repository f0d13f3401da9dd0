"""IAM: UpdateRole changes only the fields the request names.

Real IAM ``UpdateRole`` has merge semantics: an absent ``Description`` or ``MaxSessionDuration`` leaves that attribute
as it is (``Description=""`` clears the description). So a module that changes only a role's maximum session
duration sends ``UpdateRole(RoleName, MaxSessionDuration)`` and the description stays. moto 5.2.5 reads an absent
``Description`` as None and an absent ``MaxSessionDuration`` as 3600 and writes both: changing the session duration
erases the description, and changing the description resets the session duration to one hour.

Patch (``moto.iam.responses.IamResponse.update_role``): the fields the request does not carry keep the role's
current values; the backend's ``update_role`` (and its NoSuchEntity for a missing role) is unchanged.
"""

from __future__ import annotations

from typing import Any

from . import shim


@shim(
    name="iam_role_update_role_merge",
    service="iam",
    real_behaviour=(
        "UpdateRole changes only the fields it is given: without Description the description stays, without "
        "MaxSessionDuration the maximum session duration stays."
    ),
    moto_behaviour=(
        "UpdateRole writes both fields: an absent Description erases the description, an absent "
        "MaxSessionDuration resets it to 3600."
    ),
)
def apply() -> None:
    from moto.core.responses import EmptyResult
    from moto.iam.responses import IamResponse

    if getattr(IamResponse.update_role, "_stacksmith_merge", False):
        return

    def update_role(self: Any) -> Any:
        role_name = self._get_param("RoleName")
        description = self._get_param("Description")
        max_session_duration = self._get_param("MaxSessionDuration")
        if description is None or max_session_duration is None:
            role = self.backend.get_role(role_name)  # NoSuchEntity for a missing role, as before
            if description is None:
                description = role.description
            if max_session_duration is None:
                max_session_duration = role.max_session_duration
        self.backend.update_role(role_name, description, max_session_duration)
        return EmptyResult()

    update_role._stacksmith_merge = True  # type: ignore[attr-defined]
    IamResponse.update_role = update_role  # type: ignore[method-assign]
