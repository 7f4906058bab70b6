"""How fast places are found: import, first use (index load), 10,000 partners.

Run: .venv/bin/python bench/bench_geo.py   (prints numbers; not a test)
The 10,000 partners are the 5,912 real ECHE holders plus 4,088 of them again with their
city in upper case, so both distinct and repeated names are timed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

ECHE = ROOT / "tests" / "data" / "eche" / "eche_holders_2021-2027.csv"


def main() -> None:
    raw = pd.read_csv(ECHE, sep=";", encoding="cp1252", skiprows=1, dtype=str,
                      keep_default_na=False)
    pairs = list(zip(raw["City"], raw["Country Cd"], strict=True))
    pairs += [(city.upper(), country) for city, country in pairs[: 10_000 - len(pairs)]]

    start = time.perf_counter()
    from places.countries import normalize_country
    from places.gazetteer import sections as _sections
    from places.locate import _locate, locate
    print(f"import places.locate:           {time.perf_counter() - start:6.3f} s")

    start = time.perf_counter()
    _sections()
    print(f"read gazetteer file (first use): {time.perf_counter() - start:6.3f} s")

    start = time.perf_counter()
    placed = [locate(city, normalize_country(country)) for city, country in pairs]
    cold = time.perf_counter() - start
    city_share = sum(loc.precision == "city" for loc in placed) / len(placed)
    print(f"10,000 partners, cold:           {cold:6.3f} s  "
          f"(parses {len(raw['Country Cd'].unique())} countries' sections; "
          f"{city_share:.1%} at city precision)")

    _locate.cache_clear()  # country indexes stay: what a second dataset load costs
    start = time.perf_counter()
    for city, country in pairs:
        locate(city, normalize_country(country))
    print(f"10,000 partners, index built:    {time.perf_counter() - start:6.3f} s")

    start = time.perf_counter()
    for city, country in pairs:
        locate(city, normalize_country(country))
    print(f"10,000 partners, all cached:     {time.perf_counter() - start:6.3f} s")


if __name__ == "__main__":
    main()
