"""The operator's look for the Connect UI: ``UNIGATE_CONNECT_NAME``, ``_LOGO_URL`` and ``_ACCENT``.

The accent colours the buttons; the text on them is white or near-black, whichever contrasts more, and links use the
accent only when it is dark enough to read on white (WCAG AA, 4.5:1), so any accent keeps the page readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.settings import Settings

INK = "#1f2933"


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Theme:
    name: str
    logo_url: str
    accent: str

    @property
    def on_accent(self) -> str:
        return "#ffffff" if contrast(self.accent, "#ffffff") >= contrast(self.accent, INK) else INK

    @property
    def link(self) -> str:
        return self.accent if contrast(self.accent, "#ffffff") >= 4.5 else INK

    @classmethod
    def of(cls, settings: Settings) -> Theme:
        return cls(settings.connect_name, settings.connect_logo_url, settings.connect_accent.lower())
