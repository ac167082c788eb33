"""Parsing a request's JSON body into values that can be stored and written back out.

Python's ``json`` accepts more than the database and the response encoder do: integers of any size, ``1e999``
(infinity), ``NaN``, unpaired UTF-16 surrogates (``"\\ud800"``), NUL characters, encodings other than UTF-8,
and nesting as deep as the interpreter's stack (deeper is a ``RecursionError``). Such a value, once stored, would
break every later answer that includes it, so the whole body is checked before a handler sees it: each of these is
a 400 ``invalid_json`` naming the field. Limits: :data:`MAX_DEPTH` levels of objects and arrays, integers of 64
bits (signed), finite 64-bit floats. The size limit, ``UNIGATE_MAX_BODY_BYTES``, is applied while reading.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from gateway.errors import GatewayError

MAX_DEPTH = 32  # levels of objects and arrays, the body itself being the first
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_MAX_INT_CHARS = len(str(INT_MIN))
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels of objects and arrays; send flatter JSON"
# Strings (with their escapes) and the structural characters; enough to follow the nesting without parsing.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]')

Path = tuple[str | int, ...]


class _Rejected:
    """Put in the parsed tree where a number cannot be kept, so the walk that follows can name its field."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message


class _Numbers:
    """The number hooks of one ``json.loads``; ``rejected`` tells whether any number was refused."""

    def __init__(self) -> None:
        self.rejected = False

    def _reject(self, code: str, message: str) -> _Rejected:
        self.rejected = True
        return _Rejected(code, message)

    def integer(self, text: str) -> int | _Rejected:
        if len(text) <= _MAX_INT_CHARS and INT_MIN <= (value := int(text)) <= INT_MAX:
            return value
        return self._reject(
            "int_out_of_range",
            f"integer outside the 64-bit range; send a whole number from {INT_MIN} to {INT_MAX}, or a string",
        )

    def real(self, text: str) -> float | _Rejected:
        value = float(text)
        if math.isfinite(value):
            return value
        return self._reject(
            "float_out_of_range", "number too large for a 64-bit float; send a smaller number, or a string"
        )

    def constant(self, name: str) -> _Rejected:
        return self._reject("non_standard_number", f"{name} is not JSON; send a number or null")


def _segment(part: str | int) -> str | int:
    """A key as an error shows it: cut to 64 characters, unprintable characters written ``\\uXXXX``."""
    if isinstance(part, int):
        return part
    return "".join(c if c.isprintable() and not _BAD_TEXT.match(c) else f"\\u{ord(c):04x}" for c in part[:64])


def path_text(path: Path) -> str:
    """``metadata.tags.0``, or ``(body)`` for the body itself."""
    return ".".join(str(_segment(p)) for p in path) or "(body)"


def _invalid(path: Path, code: str, message: str) -> GatewayError:
    return GatewayError(
        400,
        "invalid_json",
        f"Invalid request body: {path_text(path)}: {message}",
        errors=[{"code": code, "message": message, "path": [_segment(p) for p in path]}],
    )


def _too_deep(raw: bytes) -> Path | None:
    """Where the body first nests deeper than ``MAX_DEPTH``, found from its tokens, without parsing it."""
    open_: list[list[Any]] = []  # per open container: [is_object, current key or index]
    last_string = b'""'
    for match in _TOKENS.finditer(raw):
        token = match.group()
        char = token[:1]
        if char == b'"':
            last_string = token
        elif char in (b"[", b"{"):
            if len(open_) == MAX_DEPTH:
                return tuple(key for _, key in open_)
            open_.append([char == b"{", "" if char == b"{" else 0])
        elif char in (b"]", b"}"):
            if open_:
                open_.pop()
        elif open_ and char == b":" and open_[-1][0]:
            open_[-1][1] = _key_text(last_string)
        elif open_ and char == b"," and not open_[-1][0]:
            open_[-1][1] += 1
    return None


def _key_text(token: bytes) -> str:
    try:
        key = json.loads(token)
    except ValueError:
        return token[1:-1].decode("utf-8", "replace")
    return key if isinstance(key, str) else ""


class _Problem:
    """A value that cannot be stored; ``keys`` leads to it from the innermost key outwards."""

    def __init__(self, code: str, message: str, keys: list[str | int] | None = None) -> None:
        self.code = code
        self.message = message
        self.keys = keys or []

    def error(self) -> GatewayError:
        return _invalid(tuple(reversed(self.keys)), self.code, self.message)


_SCALARS = {int, float, bool, type(None)}


def _text_problem(text: str, what: str) -> _Problem | None:
    found = _BAD_TEXT.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return _Problem("nul_character", f"{what} contains a NUL character (\\u0000); remove it")
    return _Problem(
        "lone_surrogate", f"{what} contains an unpaired UTF-16 surrogate (\\ud800-\\udfff); send valid Unicode"
    )


def _first_problem(value: Any, depth: int, text: bool) -> _Problem | None:
    """The first value (in document order) that cannot be stored; ``text``: whether strings need checking."""
    if isinstance(value, dict | list):
        if depth > MAX_DEPTH:
            return _Problem("too_deep", _TOO_DEEP)
        skip = _SCALARS if text else {*_SCALARS, str}
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            if text and isinstance(key, str) and (problem := _text_problem(key, "key")) is not None:
                problem.keys.append(key)
                return problem
            if item.__class__ in skip:
                continue
            if (problem := _first_problem(item, depth + 1, text)) is not None:
                problem.keys.append(key)
                return problem
    elif isinstance(value, str):
        return _text_problem(value, "text") if text else None
    elif isinstance(value, _Rejected):
        return _Problem(value.code, value.message)
    return None


def parse_json(raw: bytes) -> Any:
    """The body's JSON value, or a 400 naming what cannot be parsed or stored."""
    try:
        source = raw.decode("utf-8-sig")  # strict: UTF-8 never encodes a surrogate
    except UnicodeDecodeError:
        raise GatewayError(400, "invalid_json", "Request body is not UTF-8 text; send UTF-8 JSON") from None
    numbers = _Numbers()
    try:
        data = json.loads(source, parse_int=numbers.integer, parse_float=numbers.real, parse_constant=numbers.constant)
    except json.JSONDecodeError as exc:
        raise GatewayError(
            400,
            "invalid_json",
            f"Request body is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
        ) from None
    except RecursionError:  # nested deeper than the interpreter's stack: find where without parsing
        raise _invalid(_too_deep(raw) or (), "too_deep", _TOO_DEEP) from None
    # The walk runs only when what it looks for can be there: nesting past MAX_DEPTH needs that many brackets,
    # a NUL or a surrogate in a string needs a \u escape, and the number hooks know what they refused.
    deep = source.count("[") + source.count("{") > MAX_DEPTH
    text = "\\u" in source
    if (deep or text or numbers.rejected) and (problem := _first_problem(data, 1, text)) is not None:
        raise problem.error()
    return data
