"""What a browser auth call may write: which connection, and which of its settings it may choose.

An end user (a browser holding a connect session token) stays in its lane:

- an ordinary session only *creates* connections: a generated id, or a caller-given id that does not exist yet;
- a reconnect session only *replaces* the one connection it is bound to, which must still exist and must not be
  bound to another end user;
- the secret key (the integrator's backend) may do either.

Settings the integrator pinned in the session (``integrations_config_defaults.<key>.connection_config``) win: a
browser ``params[...]`` value may only fill a setting the catalog entry declares as typed by the user, never change a
pinned one, and must match the setting's declared form. OAuth parameters Unigate sets itself cannot be overridden
through ``authorization_params[...]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gateway.catalog.forms import FormError, check_field
from gateway.errors import GatewayError

#: Authorization request parameters Unigate sets; a browser may not replace them.
RESERVED_AUTHORIZATION_PARAMS = frozenset(
    {
        "client_id",
        "redirect_uri",
        "response_type",
        "state",
        "code_challenge",
        "code_challenge_method",
        "oauth_token",
        "oauth_callback",
    }
)
#: Session defaults that steer Unigate, not the connection's own configuration.
SESSION_ONLY_SETTINGS = ("oauth_scopes_override",)


class WriteRule(StrEnum):
    """How a flow may store its connection."""

    CREATE = "create"  # an ordinary connect session: a new connection only
    REPLACE = "replace"  # a reconnect session: only the connection it is bound to
    UPSERT = "upsert"  # the secret key: create or replace


def connection_exists(connection_id: str) -> GatewayError:
    return GatewayError(
        409,
        "connection_already_exists",
        f"connection_id: {connection_id!r} already exists; a connect session only creates new connections. "
        "Omit connection_id to get a new one, or re-authorise this one with a session from "
        "POST /connect/sessions/reconnect",
    )


def reconnect_target_gone(connection_id: str) -> GatewayError:
    return GatewayError(
        404,
        "unknown_connection",
        f"The connection {connection_id!r} this reconnect session re-authorises no longer exists; "
        "create a new connect session with POST /connect/sessions",
    )


def end_user_mismatch() -> GatewayError:
    return GatewayError(
        403,
        "end_user_mismatch",
        "This connection belongs to another end user; a connect session may only re-authorise connections of its "
        "own end user",
    )


def check_end_user(stored_end_user_id: str | None, end_user: Mapping[str, Any] | None) -> None:
    """403 when a connection bound to one end user would be re-authorised by a session of another."""
    if stored_end_user_id is None or end_user is None:
        return
    if str(end_user.get("id")) != stored_end_user_id:
        raise end_user_mismatch()


def check_authorization_params(params: Mapping[str, str]) -> None:
    """400 naming the first browser ``authorization_params[...]`` that would replace one Unigate sets."""
    for name in params:
        if name in RESERVED_AUTHORIZATION_PARAMS:
            raise GatewayError(
                400,
                "invalid_query_params",
                f"authorization_params[{name}]: set by Unigate for this flow and cannot be overridden; remove it",
            )


def chosen_connection_config(
    entry: Mapping[str, Any],
    pinned: Mapping[str, Any],
    typed: Mapping[str, str],
    from_end_user: bool,
) -> dict[str, Any]:
    """The connection settings of a browser call: the integrator's ``pinned`` values plus what was ``typed``.

    For an end user (``from_end_user``), a typed value must name a setting the catalog entry declares and Unigate
    does not fill itself, and may not differ from a pinned value (403 ``connection_config_pinned``). Every value of a
    declared setting must match its pattern, format and enum (400 ``invalid_connection_config``).
    """
    declared: Mapping[str, Any] = entry.get("connection_config") or {}
    settings = {k: v for k, v in pinned.items() if k not in SESSION_ONLY_SETTINGS}
    for name, value in typed.items():
        if any(c in value for c in "\x00\r\n"):
            raise GatewayError(
                400, "invalid_connection_config", f"params[{name}]: contains a line break or NUL; send a single line"
            )
        if name in settings:
            if str(settings[name]) != value:
                raise GatewayError(
                    403,
                    "connection_config_pinned",
                    f"params[{name}]: set by the integrator for this connect session and cannot be changed; remove it",
                )
            continue
        if from_end_user:
            spec = declared.get(name)
            if not isinstance(spec, Mapping) or spec.get("automated"):
                typable = sorted(n for n, s in declared.items() if isinstance(s, Mapping) and not s.get("automated"))
                raise GatewayError(
                    400,
                    "invalid_connection_config",
                    f"params[{name}]: not a setting this provider lets the user choose; "
                    f"send only {', '.join(f'params[{n}]' for n in typable) or 'no params'}",
                )
        settings[name] = value
    for name, value in settings.items():
        spec = declared.get(name)
        if isinstance(spec, Mapping) and value is not None:
            try:
                check_field("connection_config", name, spec, value)
            except FormError as exc:
                raise GatewayError(400, "invalid_connection_config", str(exc)) from None
    return settings
