"""Name keys, Cyrillic-to-Latin transliteration and region-name cores: how two ways of
writing a place are found equal.

Example::

    >>> name_key("  Qozogʻiston "), to_latin("Ўзбекистон", "uz"), to_latin("Хива", "ru")
    ('qozogiston', 'ozbekiston', 'khiva')
    >>> region_core("regiao autonoma da madeira")
    'madeira'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

APOSTROPHES = "ʻʼ'‘’`´ʹ′"
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
_NON_WORD_RE = re.compile(r"[^\w]+")
CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_WORD_START_E_RE = re.compile(r"(?<![\w\u0400-\u04ff])е")


def name_key(text: object) -> str:
    """Comparison key: case, accents, apostrophes and punctuation ignored.

    Example: ``name_key("  Qozogʻiston ") == name_key("QOZOG'ISTON") == "qozogiston"``.
    """
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE_RE.sub("", text.replace("&", " and ").replace("ß", "ss"))
    return _NON_WORD_RE.sub(" ", text).strip()


# The one Cyrillic -> Latin table: each lower-case letter as Uzbek Latin writes it (the
# 1995 official alphabet; apostrophes are dropped by the key anyway, so ў -> o, ғ -> g)
# and as the usual Russian romanisation does ("Хива" -> "khiva", "Щёлково" -> "shchelkovo").
CYRILLIC_TO_LATIN: dict[str, tuple[str, str]] = {
    "а": ("a", "a"), "б": ("b", "b"), "в": ("v", "v"), "г": ("g", "g"), "д": ("d", "d"),
    "е": ("e", "e"), "ё": ("yo", "e"), "ж": ("j", "zh"), "з": ("z", "z"), "и": ("i", "i"),
    "й": ("y", "y"), "к": ("k", "k"), "л": ("l", "l"), "м": ("m", "m"), "н": ("n", "n"),
    "о": ("o", "o"), "п": ("p", "p"), "р": ("r", "r"), "с": ("s", "s"), "т": ("t", "t"),
    "у": ("u", "u"), "ф": ("f", "f"), "х": ("x", "kh"), "ц": ("ts", "ts"),
    "ч": ("ch", "ch"), "ш": ("sh", "sh"), "щ": ("sh", "shch"), "ъ": ("", ""),
    "ы": ("i", "y"), "ь": ("", ""), "э": ("e", "e"), "ю": ("yu", "yu"), "я": ("ya", "ya"),
    "ў": ("o", "u"), "қ": ("q", "k"), "ғ": ("g", "g"), "ҳ": ("h", "h"),
}
_COLUMN = {"uz": 0, "ru": 1}


def to_latin(text: object, system: Literal["uz", "ru"]) -> str:
    """Lower-case Latin spelling of Cyrillic text, Uzbek or Russian style (other letters
    kept). Uzbek writes a word-initial "е" as "ye" ("Ереван" -> "yerevan")."""
    column = _COLUMN[system]
    if system == "uz":
        text = _WORD_START_E_RE.sub("ye", unicodedata.normalize("NFC", str(text).casefold()))
    else:
        text = str(text).casefold()
    return "".join(CYRILLIC_TO_LATIN[ch][column] if ch in CYRILLIC_TO_LATIN else ch
                   for ch in text)


# Words that say "an administrative region" around its name ("Tartu County", "Provincia
# di Varese"); the gazetteer's region keys are stored without them too.
GENERIC_REGION_WORDS = frozenset({
    "region", "regiao", "regione", "regio", "autonoma", "autonomous", "autonome",
    "comunidad", "comunitat", "communaute", "province", "provincia", "provinz", "county",
    "state", "land", "oblast", "oblasti", "oblys", "oblysy", "kray", "krai", "respublika",
    "respublikasi", "republic", "viloyati", "viloyat", "sheng", "shi", "zizhiqu", "sar", "do",
    "maakond", "gewest", "gwangyeoksi", "teukbyeolsi", "teukbyeoljachido",
    "teukbyeoljachisi", "voivodeship", "wojewodztwo", "kraj", "ili", "okrug", "avtonomnyy",
    "avtonomnaya", "область", "край", "республика", "автономный", "округ"})
_REGION_LINKS = frozenset({"da", "de", "des", "do", "dos", "di", "del", "of", "the", "la",
                           "le", "l"})


def region_core(key: str) -> str:
    """A region name key without its generic words: "regiao autonoma da madeira" -> "madeira"."""
    words = key.split()
    while words and (words[0] in GENERIC_REGION_WORDS or words[0] in _REGION_LINKS):
        words = words[1:]
    while words and words[-1] in GENERIC_REGION_WORDS:
        words = words[:-1]
    return " ".join(words)
