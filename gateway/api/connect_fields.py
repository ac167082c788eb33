"""The inputs of a Connect UI form, built from the catalog's field schemas, and the server's check of what was typed.

A field's ``title``, ``description``, ``example``/``placeholder``, ``pattern``, ``format``, ``optional``,
``default_value`` and ``secret`` become the label, the hint, the placeholder and the HTML ``pattern``, ``type`` and
``required`` attributes, so the browser refuses a bad value first; ``check`` refuses it again on the server (with
``gateway.catalog.forms``' rules) and gives each field its own error. A secret's value is never put back in a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.catalog.forms import FormError, check_field

INPUT_TYPES = {"email": "email", "uri": "url", "url": "url"}
FORMAT_NAMES = {"email": "email address", "uri": "URL", "url": "URL", "hostname": "host name", "uuid": "UUID"}
MAX_VALUE = 65_536


@dataclass
class FormField:
    """One input: ``section`` is ``params`` (connection_config) or ``credentials``."""

    key: str  # the integration's unique key, for the element ids
    section: str
    name: str
    spec: Mapping[str, Any]
    value: str = ""
    error: str | None = None

    @property
    def input_name(self) -> str:
        return f"{self.section}[{self.name}]"

    @property
    def id(self) -> str:
        return f"{self.key}-{'param' if self.section == 'params' else 'credential'}-{self.name}"

    @property
    def title(self) -> str:
        return str(self.spec.get("title") or self.name)

    @property
    def description(self) -> str:
        return str(self.spec.get("description") or "")

    @property
    def secret(self) -> bool:
        return bool(self.spec.get("secret"))

    @property
    def required(self) -> bool:
        return not (self.spec.get("optional") or self.spec.get("default_value") is not None)

    @property
    def placeholder(self) -> str:
        return str(self.spec.get("example") or self.spec.get("placeholder") or "")

    @property
    def multiline(self) -> bool:
        """PEM keys and other pasted blocks: a textarea (its text is never echoed either)."""
        return "PEM" in self.description or bool(self.spec.get("multiline"))

    @property
    def input_type(self) -> str:
        if self.secret:
            return "password"
        return INPUT_TYPES.get(str(self.spec.get("format") or ""), "text")

    @property
    def html_pattern(self) -> str | None:
        """The catalog's pattern as HTML's ``pattern`` (always anchored) wants it: Python's search semantics kept."""
        pattern = self.spec.get("pattern")
        if not isinstance(pattern, str) or not pattern or "(?P" in pattern or "\\A" in pattern or "\\Z" in pattern:
            return None
        head = "" if pattern.startswith("^") else "[\\s\\S]*"
        tail = "" if pattern.endswith("$") and not pattern.endswith("\\$") else "[\\s\\S]*"
        return f"{head}(?:{pattern}){tail}"

    @property
    def shown_value(self) -> str:
        """What the input holds when the page is drawn: the typed value, else the default; never a secret."""
        if self.secret:
            return ""
        return self.value or str(self.spec.get("default_value") or "")

    @property
    def lower_title(self) -> str:
        """The title inside a sentence: ``Region`` becomes ``region``, ``API key`` stays."""
        title = self.title
        return title[0].lower() + title[1:] if len(title) > 1 and title[1].islower() else title


def fields_of(key: str, section: str, specs: Mapping[str, Any]) -> list[FormField]:
    """The inputs the user types: not the ``automated`` or ``hidden`` ones Unigate fills itself."""
    return [
        FormField(key, section, name, spec)
        for name, spec in specs.items()
        if isinstance(spec, Mapping) and not spec.get("automated") and not spec.get("hidden")
    ]


def _problem(field: FormField, value: str) -> str | None:
    if not value:
        return "Fill in this field." if field.required else None
    if len(value) > MAX_VALUE or (not field.multiline and any(c in value for c in "\x00\r\n")):
        return "Enter a single line of at most 65536 characters."
    try:
        check_field(field.section, field.name, field.spec, value)
    except FormError as exc:
        text = str(exc)
        example = f", e.g. {field.placeholder}" if field.placeholder else ""
        if " is not a valid " in text:
            return f"Enter a valid {FORMAT_NAMES.get(str(field.spec.get('format')), 'value')}{example}."
        if " is not one of " in text:
            return f"Choose one of {', '.join(map(str, field.spec.get('enum') or []))}."
        return f"This does not have the expected form{example}."
    return None


def check(fields: list[FormField], typed: Mapping[str, str]) -> str | None:
    """Fill each field's ``value`` and ``error`` from the form; the summary of what is wrong, or None."""
    for field in fields:
        field.value = typed.get(field.input_name, "")
        field.error = _problem(field, field.value)
    wrong = [f for f in fields if f.error]
    if not wrong:
        return None
    if all(f.error == "Fill in this field." for f in wrong):
        return "Fill in " + ", ".join(f.title for f in wrong)
    first = next(f for f in wrong if f.error != "Fill in this field.")
    more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
    return f"Check the {first.lower_title}: {first.error}{more}"


def assign_error(fields: list[FormField], message: str) -> None:
    """Put a server error that names a field (``params[region]: ...``, ``credentials.apiKey: ...``) next to it."""
    for field in fields:
        if message.startswith((f"{field.input_name}:", f"{field.section}.{field.name}:", f"{field.name}:")):
            field.error = "The provider's settings refuse this value." if field.secret else message.split(":", 1)[1]
            return
