"""Country, organisation and city of one affiliation address, per export format.

The country uses the dataset's own matching (``places.countries.normalize_country``)
plus the conventions of each export:

- Scopus: ``Dept X, University Y, City, Postcode, Country`` -> the last comma part.
- Web of Science: ``Univ Y, Dept X, City Postcode, Country.`` -> the last comma part,
  written the WoS way (``USA`` after a state and zip, ``Peoples R China``, ``England``,
  ``U Arab Emirates``); old US records end in a state and zip with no country.

    >>> wos_country("Univ Calif Berkeley, Dept Chem, Berkeley, CA 94720 USA.")
    'USA'
    >>> wos_country("HARVARD UNIV,SCH MED,BOSTON,MA 02115")
    'USA'
"""

from __future__ import annotations

import re

from places.countries import normalize_country

# Web of Science's own country spellings that the general matching does not know.
WOS_COUNTRIES = {
    "peoples r china": "CHN", "north ireland": "GBR", "u arab emirates": "ARE",
    "bosnia & herceg": "BIH", "cote ivoire": "CIV", "papua n guinea": "PNG",
    "dem rep congo": "COD", "rep congo": "COG", "byelarus": "BLR", "trinid & tobago": "TTO",
    "cent afr republ": "CAF", "st kitts & nevi": "KNA", "st vincent": "VCT",
    "turks & caicos": "TCA", "br virgin isl": "VGB", "w ind assoc st": "ATG",
    "fed rep ger": "DEU", "ussr": "RUS", "wales": "GBR", "scotland": "GBR", "england": "GBR",
}
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR".split()
)
_STATE_ZIP_RE = re.compile(r"^([A-Z]{2})\s+\d{5}(?:-\d{4})?(?:\s+USA)?$", re.IGNORECASE)
_DIGITS_RE = re.compile(r"\d")
_POSTCODE_TOKEN_RE = re.compile(r"^(?:[A-Z]{1,2}-)?[\dA-Z]*\d[\dA-Z-]*$", re.IGNORECASE)

# Parts of an address that name an organisation, strongest first; a part that starts
# with a unit word (department, faculty, ...) is a unit of the organisation, not it.
_ORG_TIERS = (
    re.compile(r"\buniv|\buniversit|\bуниверситет|\bcollege\b|\bcoll\b", re.IGNORECASE),
    re.compile(
        r"\binstitut|\binst\b|\bacad|\bhosp|\bhôpital|\bclinic|\bcent(er|re)\b|\bctr\b|\bfoundation"
        r"|\bcouncil\b|\bministry\b|\bagency\b|\bcnrs\b|\binc\b|\bltd\b|\bgmbh\b|\bcorp",
        re.IGNORECASE,
    ),
)
_UNIT_RE = re.compile(
    r"^(dept|department|fac|faculty|school|sch|division|div|lab|laboratory|unit|chair|section|"
    r"grp|group|program|programme|umr|inserm|team)\b",
    re.IGNORECASE,
)


def _parts(address: str) -> list[str]:
    return [p.strip() for p in str(address).strip().rstrip(".").split(",") if p.strip()]


def scopus_country(address: str) -> str | None:
    """ISO alpha-3 of a Scopus affiliation (its last comma part), else None."""
    parts = _parts(address)
    return normalize_country(parts[-1]) if parts else None


def wos_country(address: str) -> str | None:
    """ISO alpha-3 of a Web of Science address (last comma part, WoS spellings), else None."""
    parts = _parts(address)
    if not parts:
        return None
    last = parts[-1].strip().rstrip(".")
    key = re.sub(r"\s+", " ", last.casefold())
    if key in WOS_COUNTRIES:
        return WOS_COUNTRIES[key]
    if key == "usa" or key.endswith(" usa"):
        return "USA"
    state = _STATE_ZIP_RE.match(last)
    if state and state.group(1).upper() in US_STATES:
        return "USA"  # old records: "BOSTON,MA 02115" with no country
    # "Beijing 100871, Peoples R China" is handled above; "D-80333 MUNICH, GERMANY" here.
    found = normalize_country(last)
    if found:
        return found
    words = [w for w in last.split() if not _DIGITS_RE.search(w)]
    return normalize_country(" ".join(words)) if words else None


def organisation(address: str, *, org_first: bool = False) -> str:
    """The organisation an address names (for WoS the first part, WoS's own convention).

    Scopus: the first part that names a university or college, else one that names an
    institute, academy, hospital, centre, ..., else the first part that is not a unit.
    """
    parts = _parts(address)
    if not parts:
        return ""
    if org_first:
        return parts[0]
    body = parts[:-1] or parts
    for tier in _ORG_TIERS:
        for part in body:
            if tier.search(part):
                return part
    for part in body:
        if not _UNIT_RE.match(part) and not _DIGITS_RE.search(part):
            return part
    return body[0]


def city(address: str) -> str:
    """The city of an address: the last part before the country that is not a postcode or
    a US state and zip, with postcode tokens removed (``Beijing 100871`` -> ``Beijing``)."""
    parts = _parts(address)[1:-1]  # never the organisation (first) or the country (last)
    for part in reversed(parts):
        if _STATE_ZIP_RE.match(part):
            continue
        words = [w for w in part.split() if not _POSTCODE_TOKEN_RE.match(w) and w.upper() != "CEDEX"]
        if words and not _DIGITS_RE.search(" ".join(words)):
            return " ".join(words)
    return ""
