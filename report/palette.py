"""One colour per meaning, the same in every chart of the pack (pptx and pdf).

A series carries its meaning (``direction.incoming``, ``mode.remote``,
``grant_status.active``, or ``count`` for a single series); no colour means two things.
"""

from __future__ import annotations

COLOURS: dict[str, str] = {
    "count": "#1f4e79",
    "direction.incoming": "#1f4e79",
    "direction.outgoing": "#e08e2b",
    "mode.in_person": "#4c9a6a",
    "mode.remote": "#8e6cb5",
    "grant_status.applied": "#a6a6a6",
    "grant_status.awarded": "#5dade2",
    "grant_status.active": "#b7950b",
    "grant_status.completed": "#17456b",
    "grant_status.rejected": "#c0392b",
    "research.international": "#0e6655",
    "research.domestic": "#aab7b8",
    "quota.planned": "#aab7b8",
    "target.met": "#1e8449",
    "target.not_met": "#cb4335",
    "target.open": "#85c1e9",
    "target.cannot_tell": "#d5d8dc",
    "participant.staff": "#2e4053",
    "participant.student": "#f4d03f",
}
FALLBACK = ("#5d6d7e", "#a04000", "#117864", "#6c3483")


def colour(meaning: str, index: int = 0) -> str:
    """The colour of a meaning as ``#rrggbb``."""
    return COLOURS.get(meaning, FALLBACK[index % len(FALLBACK)])


def rgb(meaning: str, index: int = 0) -> tuple[int, int, int]:
    value = colour(meaning, index).lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def label_colour(fill: str) -> str:
    """The colour of a label written on ``fill``: white or near-black, whichever contrasts
    more (WCAG): white on the navy of the counts, black on the light greys."""
    lum = _luminance(fill)
    on_white = 1.05 / (lum + 0.05)
    on_dark = (lum + 0.05) / (_luminance("#1a1a1a") + 0.05)
    return "#ffffff" if on_white >= on_dark else "#1a1a1a"
