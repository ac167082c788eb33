"""``BodyTimeout``: a request body that stalls for ``UNIGATE_BODY_TIMEOUT`` seconds is answered 408.

An ASGI middleware around the app's ``receive``: while the body is incomplete, each wait for its next part is
bounded; past the bound the wait raises a 408 ``GatewayError`` (with ``Connection: close``), which the route
answers like any other error. Once the body is complete ``receive`` is left alone (responses wait on it for the
client's disconnect).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import GatewayError


def body_stalled(seconds: float) -> GatewayError:
    return GatewayError(
        408,
        "request_timeout",
        f"The request body stalled for {seconds:g} seconds; send it without pauses (UNIGATE_BODY_TIMEOUT)",
        headers={"Connection": "close"},
    )


class BodyTimeout:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        complete = False

        async def bounded_receive() -> Message:
            nonlocal complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout(self.seconds):
                    message = await receive()
            except TimeoutError:
                raise body_stalled(self.seconds) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self.app(scope, bounded_receive, send)
