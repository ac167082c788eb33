"""Reading a dashboard form and checking its CSRF token: a POST without the token of its session (or of the
sign-in cookie, before a session exists) is answered 403 and changes nothing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.dashboard.render import problem

FIELD = "csrf_token"
MAX_FIELDS = 50


class FormRefused(Exception):
    """The form cannot be read or its token is wrong; ``response`` is the page to answer."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


async def read_form(request: Request, limit: int) -> dict[str, str]:
    """The form's text fields; a body without a Content-Length within ``limit`` is refused with 413."""
    declared = request.headers.get("content-length", "")
    if not declared.isascii() or not declared.isdigit() or int(declared) > limit:
        raise FormRefused(problem(413, "Form too large", "Send the form with a Content-Length within the body limit."))
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return {name: value for name, value in form.multi_items() if isinstance(value, str)}


def refused() -> FormRefused:
    return FormRefused(
        problem(403, "Form refused", "The form's security token is missing or out of date. Reload the page and retry.")
    )
