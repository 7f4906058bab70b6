"""Reading what people type as a city: the text's parts, postal noise, abbreviations,
spelling variants and transliterations, as name keys to look up (see `places.locate`).

Example::

    >>> exact_candidates("Frankfurt a.M.")[:2]
    ['frankfurt a m', 'frankfurt am main']
"""

from __future__ import annotations

import re
from typing import NamedTuple

from places.names import CYRILLIC_RE, name_key, to_latin

# Tokens that are postal routing, not part of a city's name: everything from them on goes.
_ROUTING_WORDS = {"cedex", "bp", "cs", "postfach"}
# Danish/Norwegian postal districts ("Copenhagen K", "København NV", "Aarhus C") and
# Roman-numbered city districts ("MLADA BOLESLAV II").
_TRAILING_NOISE = {"k", "c", "n", "nv", "no", "s", "sv", "so", "v", "o", "oe", "ø", "sø",
                   "i", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "x"}
# Words that join a name to its qualifier: a part of the text never starts with one.
CONNECTORS = {"de", "del", "di", "da", "do", "dos", "das", "der", "den", "von", "van", "am",
               "an", "im", "in", "sur", "sous", "en", "et", "y", "i", "e", "a"}
OF_WORDS = {"de", "di", "del", "della", "do", "da", "dos", "das"}
# Words that never name a place on their own, nor end a place's name.
PARTICLES = CONNECTORS | {
    "saint", "sainte", "sankt", "san", "santa", "santo", "sao", "st", "ste", "la", "le",
    "les", "los", "las", "el", "bad", "new", "north", "south", "east", "west", "nord",
    "sud", "city", "town", "centre", "center", "district", "province", "region"}
_ABBREVIATIONS = {
    "st": ("saint", "sankt", "san", "santa", "st"),
    "ste": ("sainte",),
    "sta": ("santa",),
    "sto": ("santo",),
    "s": ("san", "santa", "sao"),
    "mt": ("mount", "mont"),
    "ft": ("fort",),
    "ma": ("maria",),  # "Santa Mª" -> NFKD "santa ma"
}
# German qualifiers: "Frankfurt a.M.", "Freiburg i.Br.", "Halle a.d. Saale".
GERMAN_QUALIFIERS = [
    (re.compile(r"\ba m\b"), "am main"),
    (re.compile(r"\ba d\b"), "an der"),
    (re.compile(r"\bi br\b"), "im breisgau"),
    (re.compile(r"\bi d\b"), "in der"),
]
# Elided articles typed with a space for the apostrophe: "L AQUILA", "La Seu d Urgell".
_ELISION_RE = re.compile(r"\b(l|d|dell|dall|nell|sull|all|qu|j|s|n) (?=\w)")
_TRIPLE_LETTER_RE = re.compile(r"(\w)\1\1+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# The most words a part of a city's text may have: the gazetteer's longest name has 28
# ("Krung Thep Maha Nakhon ..." has 26). Runs of more words name nothing, and bounding
# them keeps `windows` linear in the text (every run of a 2,000-word text is 2 million).
MAX_WINDOW_WORDS = 30


def _spelling_variants(key: str) -> list[str]:
    """Spelt-out umlauts and doubled letters: 'muenchen' -> 'munchen', 'vasteraas'."""
    out = []
    for old, new in (("ae", "a"), ("oe", "o"), ("ue", "u"), ("aa", "a")):
        if old in key:
            out.append(key.replace(old, new))
    folded = key.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    if folded != key:
        out.append(folded)
    tripled = _TRIPLE_LETTER_RE.sub(r"\1\1", key)
    if tripled != key:
        out.append(tripled)
    return out


def _expand_abbreviations(words: list[str]) -> list[str]:
    """Every expansion of abbreviated words ("st" -> saint/sankt/san...), joined."""
    variants: list[list[str]] = [[]]
    for word in words:
        options = _ABBREVIATIONS.get(word, (word,)) if len(words) > 1 else (word,)
        variants = [v + [o] for v in variants for o in options][:16]
    return [" ".join(v) for v in variants]


def clean_words(key: str) -> list[str]:
    """Drop postal codes, CEDEX and what follows it, and trailing district letters."""
    kept: list[str] = []
    for word in key.split():
        if word in _ROUTING_WORDS and kept:
            break  # "lyon cedex 08": everything after CEDEX is routing
        if any(ch.isdigit() for ch in word):
            continue  # "75005 paris", "praha 2"
        kept.append(word)
    while len(kept) > 1 and kept[-1] in _TRAILING_NOISE:
        kept.pop()  # "copenhagen k"
    return kept


def _texts(city: str) -> list[str]:
    """The typed text and its parts: "Halle (Saale)", "Paris, France", "Frankfurt/Oder"."""
    texts = [city]
    without_brackets = re.sub(r"\(.*?\)|\[.*?\]", " ", city).strip()
    if without_brackets and without_brackets != city:
        texts.append(without_brackets)
    for text in list(texts):
        for part in re.split(r"[,;/]|\s[-–—]\s", text):
            part = part.strip()
            if part and part != text:
                texts.append(part)
    return texts + re.findall(r"\((.*?)\)", city)


def exact_candidates(city: str) -> list[str]:
    """Name keys to look up as they are, best guess first."""
    out = [name_key(city)]
    for text in _texts(city):
        key = name_key(text)
        for pattern, replacement in GERMAN_QUALIFIERS:
            key = pattern.sub(replacement, key)
        words = clean_words(key)
        if not words:
            continue
        for joined in _expand_abbreviations(words):
            out.append(joined)
            elided = _ELISION_RE.sub(r"\1", joined)
            if elided != joined:
                out.append(elided)
            out.extend(_spelling_variants(joined))
        if len(words) > 1 and len(words[-1]) <= 3:
            head = " ".join(words[:-1])  # "EDE GLD", "FIESOLE FI": a province code
            out.extend([head, _ELISION_RE.sub(r"\1", head)])
    if CYRILLIC_RE.search(city):
        out.append(name_key(to_latin(city, "uz")))
        out.append(name_key(to_latin(city, "ru")))
    return list(dict.fromkeys(k for k in out if k))


def cleaned_key(city: str) -> str:
    key = name_key(city)
    for pattern, replacement in GERMAN_QUALIFIERS:
        key = pattern.sub(replacement, key)
    return " ".join(clean_words(key))


class Window(NamedTuple):
    start: int  # index of its first word
    size: int  # number of words
    key: str


def windows(key: str) -> list[Window]:
    """Every run of consecutive words shorter than the whole (and of at most
    :data:`MAX_WINDOW_WORDS`), that could name a place.

    A run never starts with a connector ("de"), nor, unless it opens the text, with a
    particle ("San Pedro" in "Pasai San Pedro" is the end of another name), never ends
    with a particle, and a single word has three letters or more ("VIC BARCELONA").
    """
    words = key.split()
    out = []
    for size in range(min(len(words) - 1, MAX_WINDOW_WORDS), 0, -1):
        for start in range(len(words) - size + 1):
            part = words[start:start + size]
            if part[0] in CONNECTORS or part[-1] in PARTICLES:
                continue
            if start > 0 and part[0] in PARTICLES:
                continue
            if size == 1 and len(part[0]) < 3:
                continue
            out.append(Window(start, size, " ".join(part)))
    return out


def one_slip(word: str) -> list[str]:
    """All strings one deletion, swap, replacement or insertion away (Norvig's edits1),
    the first letter kept: a different first letter is more often a different town."""
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return deletes + swaps + replaces + inserts
