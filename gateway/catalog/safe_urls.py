"""Rendering catalog URL templates so that a value can never move a request to another host or path.

Each substituted value is checked for the place it lands in: in the host, only host-name characters, and a port
only when the value ends the authority and no port came before (``evil.com:443`` in
``https://${subdomain}.zendesk.com`` would make ``evil.com`` the host); after a ``:``, only a port number; in the
path, one segment of unreserved characters (never ``.`` or ``..``); in the query, percent-encoded; a value that is
a whole base URL must be an absolute http(s) URL without credentials, query, fragment or ``.``/``..`` segments, and
the template must go on with ``/``, ``?`` or nothing after it. The finished URL is parsed once more: one host,
a valid port, and no ``.`` or ``..`` path segment.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, quote, unquote, urlsplit

from gateway.catalog.templates import (
    FunctionCall,
    Literal,
    Lookup,
    Now,
    Template,
    TemplateError,
    Variable,
    alternatives,
    render,
)

HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_VALUE = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*$")
HOST_WITH_PORT = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*(?::\d{{1,5}})?$")
PORT_VALUE = re.compile(r"^\d{1,5}$")
HEADER_BREAKERS = re.compile(r"[\r\n\x00]")
# A value in the path stays one segment of unreserved characters, never "." or "..".
PATH_VALUE = re.compile(r"^[A-Za-z0-9._~-]+$")


def user_facing(variable: str) -> str:
    """``connectionConfig.subdomain`` → ``connection_config.subdomain``, as API callers name it."""
    root, _, key = variable.partition(".")
    root = {"connectionConfig": "connection_config"}.get(root, root)
    return f"{root}.{key}" if key else root


def _refuse(variable: str | None, value: str, why: str) -> TemplateError:
    name = user_facing(variable) if variable else "value"
    shown = value if len(value) <= 60 else value[:57] + "..."
    return TemplateError(f"{name}: {shown!r} {why}", variable)


def _zone(prefix: str) -> str:
    if "://" not in prefix:
        return "start"
    rest = prefix.split("://", 1)[1]
    if "#" in rest:
        return "fragment"
    if "?" in rest:
        return "query"
    if "/" in rest:
        return "path"
    return "authority"


def _authority_ends_after(parts: tuple[object, ...], index: int) -> bool:
    following = parts[index + 1] if index + 1 < len(parts) else None
    return following is None or (isinstance(following, Literal) and following.text[:1] in ("/", "?", "#", ""))


def _has_dot_segment(path: str) -> bool:
    return any(unquote(segment) in (".", "..") for segment in path.split("/"))


def _port_is_valid(url: SplitResult) -> bool:
    try:
        url.port  # noqa: B018 - parsing it raises for "443.zendesk.com" or 99999
    except ValueError:
        return False
    return True


def _checked(value: str, zone: str, variable: str | None, authority_ends: bool, prefix: str) -> str:
    if zone == "authority":
        if ":" in prefix.split("://", 1)[1]:  # after "host:", the value is the port
            if not PORT_VALUE.match(value) or int(value) > 65535:
                raise _refuse(variable, value, "is not a port number (1-65535)")
            return value
        pattern = HOST_WITH_PORT if authority_ends else HOST_VALUE
        if not pattern.match(value) or not _port_is_valid(urlsplit(f"http://{value}")):
            why = "cannot be part of a host name; use letters, digits, dots and hyphens"
            if ":" in value and pattern is HOST_VALUE:
                why += " (a :port only where the host ends)"
            raise _refuse(variable, value, why)
        return value.lower()
    if zone == "start":
        url = urlsplit(value)
        if url.scheme not in ("http", "https") or not url.hostname or "@" in url.netloc or "\\" in value:
            raise _refuse(variable, value, "is not an http(s) URL without credentials")
        if not HOST_WITH_PORT.match(url.netloc) or not _port_is_valid(url) or url.query or url.fragment:
            raise _refuse(variable, value, "is not a plain http(s) base URL")
        if _has_dot_segment(url.path):
            raise _refuse(variable, value, "has a . or .. path segment; send the base URL without them")
        if not authority_ends:
            raise _refuse(variable, value, "is a whole base URL, but the URL template goes on with more of the host")
        return value.rstrip("/")
    if zone == "path":
        if value in (".", "..") or not PATH_VALUE.match(value):
            raise _refuse(variable, value, "cannot be a URL path segment; use letters, digits and - . _ ~")
        return value
    return quote(value, safe="")


def _render_alternative(template: Template, lookup: Lookup) -> str:
    out = ""
    for index, part in enumerate(template.parts):
        if isinstance(part, Literal):
            out += part.text
            continue
        variable = part.name if isinstance(part, Variable) else None
        value = render(Template((part,)), lookup)
        if isinstance(part, Variable | FunctionCall | Now):
            zone = _zone(out)
            if zone == "start" and out:
                raise _refuse(variable, value, "cannot be part of the URL scheme")
            out += _checked(value, zone, variable, _authority_ends_after(template.parts, index), out)
    final = urlsplit(out)
    if final.scheme not in ("http", "https") or not final.hostname or "@" in final.netloc or "\\" in out:
        raise TemplateError(f"the URL template does not give an http(s) URL with a host: {out!r}")
    if not _port_is_valid(final):
        raise TemplateError(f"the URL template does not give one host with an optional port: {out!r}")
    if _has_dot_segment(final.path):
        raise TemplateError(f"the URL template gives a path with a . or .. segment: {out!r}")
    return out


def render_url(text: str, lookup: Lookup) -> str:
    """Render a URL template; the first ``||`` alternative whose values are all set wins.

    A value that is missing or empty is a ``TemplateError`` naming it; so is a value that would change the host,
    the path structure or the scheme.
    """
    options = alternatives(text)
    unset: list[str] = []
    for template in options:
        missing = [v.name for v in template.variables() if v.name != "random" and not lookup(v)]
        if missing:
            unset.extend(m for m in missing if m not in unset)
            continue
        return _render_alternative(template, lookup)
    names = " or ".join(user_facing(m) for m in unset)
    raise TemplateError(f"{names}: required to build the URL; it is missing or empty", unset[0] if unset else None)


def render_header(text: str, lookup: Lookup) -> str:
    """Render a header value; a value carrying a line break or NUL is refused."""
    value = render_text(text, lookup)
    if HEADER_BREAKERS.search(value):
        raise TemplateError("a header value may not contain line breaks or NUL characters")
    return value


def render_text(text: str, lookup: Lookup) -> str:
    """Render a plain template (query values, body values): first complete ``||`` alternative."""
    options = alternatives(text)
    for template in options[:-1]:
        if all(lookup(v) for v in template.variables() if v.name != "random"):
            return render(template, lookup)
    return render(options[-1], lookup)
