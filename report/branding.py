"""Optional branding of the pack, read from the dataset's ``branding/`` folder.

``branding/logo.png`` (any PNG) and ``branding/branding.toml``, all keys optional::

    colour = "#7a1f2b"      # titles, the cover band and the footer line
    footer = "SamSMU International Office"

Nothing else is read; a missing or unreadable file means the default look (never an
error: branding is decoration). Example::

    load_branding(Path("data"))   # None when data/branding/ does not exist
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COLOUR = "#1f4e79"
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
_PNG = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 5_000_000


@dataclass(frozen=True)
class Branding:
    colour: str = DEFAULT_COLOUR  # "#rrggbb"
    footer: str = ""
    logo: bytes | None = None  # PNG bytes

    @property
    def rgb(self) -> tuple[int, int, int]:
        value = self.colour.lstrip("#")
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def load_branding(dataset_path: Path | None) -> Branding | None:
    """The branding of the dataset at dataset_path (a folder, or the folder of a workbook)."""
    if dataset_path is None:
        return None
    folder = Path(dataset_path)
    if folder.is_file():
        folder = folder.parent
    folder = folder / "branding"
    if not folder.is_dir():
        return None
    colour, footer, logo = DEFAULT_COLOUR, "", None
    settings = folder / "branding.toml"
    if settings.is_file():
        try:
            data = tomllib.loads(settings.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            data = {}
        match = _HEX.match(str(data.get("colour", data.get("color", ""))).strip())
        if match:
            colour = "#" + match.group(1).lower()
        footer = str(data.get("footer", ""))[:120]
    picture = folder / "logo.png"
    if picture.is_file() and picture.stat().st_size <= MAX_LOGO_BYTES:
        content = picture.read_bytes()
        if content.startswith(_PNG):
            logo = content
    return Branding(colour, footer, logo)
