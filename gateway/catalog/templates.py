"""The catalog's template language: ``${root.name}``, nested functions, ``now`` formats and ``A || B`` fallbacks.

Templates are parsed once into a small tree (``Template``) and rendered against a ``Values`` lookup. Rendering a
URL is position-aware (``gateway.catalog.safe_urls``); this module only parses, lists variables and renders text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-\[\]\.]+)?$")
CALL = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\((.*)\)$", re.DOTALL)
NOW = re.compile(r"^now(?:([+-]\d+):(seconds|minutes|hours|days))?(?::(.+))?$", re.DOTALL)


class TemplateError(ValueError):
    """A template cannot be parsed or rendered; ``variable`` names the missing or bad value when there is one."""

    def __init__(self, message: str, variable: str | None = None) -> None:
        super().__init__(message)
        self.variable = variable


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Variable:
    name: str  # e.g. "connectionConfig.subdomain", "apiKey"

    @property
    def root(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str | None:
        return self.name.split(".", 1)[1] if "." in self.name else None


@dataclass(frozen=True)
class FunctionCall:
    function: str
    arguments: tuple[Template, ...]


@dataclass(frozen=True)
class Now:
    offset: timedelta
    format: str | None


Part = Literal | Variable | FunctionCall | Now


@dataclass(frozen=True)
class Template:
    parts: tuple[Part, ...]

    def variables(self) -> Iterator[Variable]:
        for part in self.parts:
            if isinstance(part, Variable):
                yield part
            elif isinstance(part, FunctionCall):
                for argument in part.arguments:
                    yield from argument.variables()

    def functions(self) -> Iterator[str]:
        for part in self.parts:
            if isinstance(part, FunctionCall):
                yield part.function
                for argument in part.arguments:
                    yield from argument.functions()

    @property
    def is_literal(self) -> bool:
        return all(isinstance(p, Literal) for p in self.parts)


def _closing_brace(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``${`` whose content starts at ``start``."""
    depth, i = 1, start
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise TemplateError(f"unclosed '${{' in {text!r}")


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside ``${...}`` blocks."""
    if separator not in text:  # most values: nothing to split, no need to walk them character by character
        return [text]
    pieces, depth, current, i = [], 0, [], 0
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            current.append("${")
            i += 2
            continue
        if text[i] == "}" and depth:
            depth -= 1
        if depth == 0 and text.startswith(separator, i):
            pieces.append("".join(current))
            current = []
            i += len(separator)
            continue
        current.append(text[i])
        i += 1
    pieces.append("".join(current))
    return pieces


def _expression(content: str) -> Part:
    content = content.strip()
    now = NOW.match(content)
    if now:
        amount, unit, fmt = now.groups()
        offset = timedelta(**{unit: int(amount)}) if amount else timedelta(0)
        return Now(offset, fmt)
    call = CALL.match(content)
    if call:
        name, text = call.groups()
        arity = FUNCTIONS[name][0] if name in FUNCTIONS else None
        pieces = [text] if arity == 1 else _split_top_level(text, ",")
        if arity and len(pieces) > arity:  # the trailing arguments are keys; earlier commas belong to the data
            pieces = [",".join(pieces[: len(pieces) - arity + 1]), *pieces[len(pieces) - arity + 1 :]]
        return FunctionCall(name, tuple(parse(piece.strip()) for piece in pieces))
    if VARIABLE.match(content):
        return Variable(content)
    raise TemplateError(f"cannot read '${{{content}}}': expected a variable, a function call or now")


@lru_cache(maxsize=8192)
def parse(text: str) -> Template:
    """Parse one alternative (no ``||``) into a ``Template``."""
    parts: list[Part] = []
    i = 0
    while i < len(text):
        start = text.find("${", i)
        if start < 0:
            parts.append(Literal(text[i:]))
            break
        if start > i:
            parts.append(Literal(text[i:start]))
        end = _closing_brace(text, start + 2)
        parts.append(_expression(text[start + 2 : end]))
        i = end + 1
    return Template(tuple(parts))


@lru_cache(maxsize=8192)
def alternatives(text: str) -> tuple[Template, ...]:
    """Parse ``A || B || ...`` into its alternatives, in order."""
    return tuple(parse(piece.strip()) for piece in _split_top_level(text, "||"))


Lookup = Callable[[Variable], str | None]


def _sha256_hex(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()


def _sha256_base64(data: str) -> str:
    return base64.b64encode(hashlib.sha256(data.encode()).digest()).decode()


def _hmac_sha1_hex(data: str, key: str) -> str:
    return hmac.new(key.encode(), data.encode(), hashlib.sha1).hexdigest()


def _base64(data: str) -> str:
    return base64.b64encode(data.encode()).decode()


# Functions Unigate renders, with their arity. The catalog format has others (awsSigV4, ed25519Sign, fingerprint):
# entries using them load, and the catalog report says they cannot be served yet.
FUNCTIONS: Mapping[str, tuple[int, Callable[..., str]]] = {
    "base64": (1, _base64),
    "sha256Hex": (1, _sha256_hex),
    "sha256Base64": (1, _sha256_base64),
    "hmacSha1Hex": (2, _hmac_sha1_hex),
}

# moment/dayjs format tokens, longest first.
_DATE_TOKENS: tuple[tuple[str, Callable[[datetime], str]], ...] = (
    ("YYYY", lambda d: f"{d.year:04d}"),
    ("MMMM", lambda d: d.strftime("%B")),
    ("MMM", lambda d: d.strftime("%b")),
    ("dddd", lambda d: d.strftime("%A")),
    ("ddd", lambda d: d.strftime("%a")),
    ("MM", lambda d: f"{d.month:02d}"),
    ("DD", lambda d: f"{d.day:02d}"),
    ("HH", lambda d: f"{d.hour:02d}"),
    ("mm", lambda d: f"{d.minute:02d}"),
    ("ss", lambda d: f"{d.second:02d}"),
    ("SSS", lambda d: f"{d.microsecond // 1000:03d}"),
    ("ZZ", lambda d: "+0000"),
    ("Z", lambda d: "+00:00"),
    ("X", lambda d: str(int(d.timestamp()))),
    ("x", lambda d: str(int(d.timestamp() * 1000))),
)


def format_date(moment: datetime, fmt: str) -> str:
    """Format ``moment`` (UTC) with a moment.js-style format; ``[text]`` is literal."""
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "[":
            end = fmt.find("]", i)
            end = len(fmt) if end < 0 else end
            out.append(fmt[i + 1 : end])
            i = end + 1
            continue
        for token, render in _DATE_TOKENS:
            if fmt.startswith(token, i):
                out.append(render(moment))
                i += len(token)
                break
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


def render(template: Template, lookup: Lookup, now: datetime | None = None) -> str:
    """Render ``template``; a variable ``lookup`` returns None for is a ``TemplateError`` naming it."""
    moment = now or datetime.now(UTC)
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, Literal):
            out.append(part.text)
        elif isinstance(part, Variable):
            if part.name == "random":
                out.append(secrets.token_hex(16))
                continue
            value = lookup(part)
            if value is None:
                raise TemplateError(f"no value for ${{{part.name}}}", part.name)
            out.append(value)
        elif isinstance(part, Now):
            shifted = moment + part.offset
            out.append(format_date(shifted, part.format) if part.format else shifted.isoformat())
        else:
            arity, function = FUNCTIONS.get(part.function, (0, None))
            if function is None:
                raise TemplateError(f"function {part.function}() is not supported by Unigate yet")
            arguments = [render(a, lookup, moment) for a in part.arguments]
            if len(arguments) != arity:
                raise TemplateError(f"{part.function}() takes {arity} argument(s), got {len(arguments)}")
            out.append(function(*arguments))
    return "".join(out)
