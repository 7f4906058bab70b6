"""Places, offline: country names and codes, map centroids, the city gazetteer, locating.

The ground floor (docs/architecture.md): it imports nothing else of the project.

- `places.names`: `name_key`, the one Cyrillic-to-Latin table (`to_latin`), `region_core`.
- `places.countries`: `normalize_country`, `country_name`, `index_codes`.
- `places.centroids`: `country_centroid`, `GEOJSON` (the country shapes the maps draw).
- `places.gazetteer`: the city gazetteer file and its sections; `places.gazetteer_build`
  writes it (``python -m places.gazetteer_build``).
- `places.typed`, `places.guess`, `places.locate`: reading a typed city, guessing,
  `locate(city, country) -> Location`.
"""
