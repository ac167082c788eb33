"""Unhandled exceptions: logged by type, frames and an error id, never by their text; the 500 answer gives the id.

A library's exception text can echo input values (SQLAlchemy appends ``[parameters: ...]``, with metadata and
ciphertext), so it is never written anywhere. ``ErrorBoundary`` catches what the routes and middleware let
through, logs it once and answers 500 with the error id, so nothing reaches uvicorn's own exception logging;
``RedactExceptions`` strips the text from any other log record carrying an exception (uvicorn's loggers).
Each line carries two ids: ``error_id`` is new for every failure and is the one in the answer; ``fingerprint``
is the same for every failure of the same type at the same place.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import traceback
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import GatewayError

logger = logging.getLogger("unigate")


def type_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def fingerprint(exc: BaseException) -> str:
    """The same 12 hex digits for every exception of this type raised at this place."""
    places = [f"{frame.filename}:{frame.name}:{frame.lineno}" for frame in traceback.extract_tb(exc.__traceback__)]
    return hashlib.sha256("\n".join([type_name(exc), *places]).encode()).hexdigest()[:12]


def describe(exc: BaseException) -> str:
    """The exception's type and frames, and the types of the exceptions it was raised from; never a message."""
    lines = ["Traceback (most recent call last):\n", *traceback.format_tb(exc.__traceback__), type_name(exc)]
    seen = {id(exc)}
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        lines.append(f"\n  raised while handling {type_name(cause)}")
        cause = cause.__cause__ or (None if cause.__suppress_context__ else cause.__context__)
    return "".join(lines)


def log_unhandled(exc: BaseException, where: str) -> str:
    """Log ``exc`` (type, frames, ids) for the operator; returns the error id to show the caller."""
    error_id = secrets.token_hex(6)
    fields = {"error_id": error_id, "error_type": type_name(exc), "fingerprint": fingerprint(exc), "where": where}
    logger.error(
        "unhandled %s in %s (error id %s)\n%s", type_name(exc), where, error_id, describe(exc), extra={"fields": fields}
    )
    return error_id


def server_error(error_id: str) -> GatewayError:
    return GatewayError(
        500, "server_error", f"Unigate failed to handle this request; the error was logged with error id {error_id}"
    )


class ErrorBoundary:
    """The first middleware of the app: an exception from anything below becomes one log line and a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] in ("http.response.start", "websocket.accept", "websocket.close"):
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            error_id = log_unhandled(exc, f"{scope.get('method', 'WEBSOCKET')} {scope['path']}")
            if started:
                return  # the answer is under way; the server closes the connection
            if scope["type"] == "http":
                await server_error(error_id).response()(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1011, "reason": f"error id {error_id}"})


class StartupError(Exception):
    """Startup or shutdown failed; the message gives the cause's type and error id, not its text."""


def redacted_startup(exc: Exception, stage: str) -> StartupError:
    error_id = log_unhandled(exc, stage)
    return StartupError(f"Unigate {stage} failed: {type_name(exc)} (error id {error_id})")


class RedactExceptions(logging.Filter):
    """Replace a record's exception by its type and frames, so no handler prints the exception's text."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info: Any = record.exc_info
        if exc_info and exc_info[1] is not None:
            record.msg = f"{record.getMessage()}\n{describe(exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def redact_server_loggers(names: tuple[str, ...] = ("uvicorn", "uvicorn.error", "uvicorn.asgi")) -> None:
    """Attach ``RedactExceptions`` to uvicorn's loggers (idempotent)."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactExceptions) for f in target.filters):
            target.addFilter(RedactExceptions())
