"""Cognito user administration: the sign-in side of a user whose profile lives in the config table.

The role of a user is their group (agents, supervisors or admins, see domain/identity). Cognito failures a
client can act on (username taken, password too weak) become AgentDeskErrors; anything else propagates.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.kernel import aws
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import GROUP_ROLES, Role
from agentdesk.kernel.settings import get_settings

GROUPS: dict[Role, str] = {role: group for group, role in GROUP_ROLES.items()}


def _cognito() -> tuple[Any, str]:
    return aws.client("cognito-idp"), get_settings().require("user_pool_id")


def _refusal(exc: ClientError) -> AgentDeskError | None:
    """The AgentDeskError for a Cognito error the caller can fix, or None for anything else."""
    code = exc.response.get("Error", {}).get("Code", "")
    message = exc.response.get("Error", {}).get("Message", "")
    if code in ("UsernameExistsException", "AliasExistsException"):
        return AgentDeskError(ErrorCode.CONFLICT, "A user with this username or email already exists.", "username")
    if code == "InvalidPasswordException":
        return AgentDeskError(ErrorCode.BAD_REQUEST, f"The password is refused: {message}", "password")
    if code == "InvalidParameterException":
        return AgentDeskError(ErrorCode.BAD_REQUEST, f"Cognito refused the user: {message}")
    if code == "UserNotFoundException":
        return AgentDeskError(ErrorCode.CONFLICT, "The user's sign-in account no longer exists in Cognito.")
    return None


def _call(operation: str, **kwargs: Any) -> dict[str, Any]:
    client, pool = _cognito()
    try:
        response: dict[str, Any] = getattr(client, operation)(UserPoolId=pool, **kwargs)
    except ClientError as exc:
        refusal = _refusal(exc)
        if refusal is not None:
            raise refusal from exc
        raise
    return response


def create_user(
    *,
    username: str,
    email: str,
    name: str,
    role: Role,
    password: str | None = None,
    permanent_password: bool = False,
    send_invitation: bool = True,
) -> str:
    """Create the sign-in account in the role's group and return its `sub` (the user id everywhere)."""
    options: dict[str, Any] = {"DesiredDeliveryMediums": ["EMAIL"]}
    if not send_invitation:
        options["MessageAction"] = "SUPPRESS"
    if password is not None and not permanent_password:
        options["TemporaryPassword"] = password
    created = _call(
        "admin_create_user",
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
        ],
        **options,
    )
    attributes = {a["Name"]: a["Value"] for a in created["User"].get("Attributes", [])}
    try:
        if password is not None and permanent_password:
            _call("admin_set_user_password", Username=username, Password=password, Permanent=True)
        _call("admin_add_user_to_group", Username=username, GroupName=GROUPS[role])
    except Exception:
        delete_user(username)  # leave nothing half-made behind
        raise
    return str(attributes["sub"])


def update_user(username: str, *, email: str, name: str) -> None:
    _call(
        "admin_update_user_attributes",
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": name},
        ],
    )


def change_role(username: str, old: Role, new: Role) -> None:
    """Move the user from the old role's group to the new one's (effective from their next token)."""
    if old is new:
        return
    _call("admin_add_user_to_group", Username=username, GroupName=GROUPS[new])
    _call("admin_remove_user_from_group", Username=username, GroupName=GROUPS[old])


def disable_user(username: str) -> None:
    """Stop the user signing in and revoke their refresh tokens (issued tokens live until they expire)."""
    _call("admin_disable_user", Username=username)
    _call("admin_user_global_sign_out", Username=username)


def enable_user(username: str) -> None:
    _call("admin_enable_user", Username=username)


def delete_user(username: str) -> None:
    """Remove the account entirely (only to undo a creation that could not be completed)."""
    with suppress(AgentDeskError):  # already gone
        _call("admin_delete_user", Username=username)
