"""python -m i18n: list the keys of en.json that ru.json or uz.json lack or get wrong.

Exit status 0 when every key is translated with the same {placeholders}, else 1.
"""

from __future__ import annotations

import re
import sys

from i18n import DEFAULT_LANG, LANGUAGES, strings

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def gaps(lang: str) -> list[str]:
    """One line per missing, empty or mis-formatted translation of ``lang``."""
    english, other = strings(DEFAULT_LANG), strings(lang)
    out = []
    for key, text in english.items():
        translated = str(other.get(key, "")).strip()
        if not translated:
            out.append(f"{lang}\tmissing\t{key}\t{text}")
        elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(translated)):
            out.append(f"{lang}\tplaceholders\t{key}\t{text}")
    return out


def main() -> int:
    lines = [line for lang in LANGUAGES if lang != DEFAULT_LANG for line in gaps(lang)]
    print("\n".join(lines) if lines else "Every key is translated.")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
