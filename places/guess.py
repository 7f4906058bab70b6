"""Guessing a place the text does not name exactly (see `places.locate`): the typed name
as the start of a longer one, "Locality de Municipality", a part of the text, one typing
slip. A guess is only taken when it is credible; candidates far apart that nothing
separates give no guess at all.
"""

from __future__ import annotations

import bisect
import math

from places.gazetteer import Place, is_region, sorted_keys
from places.names import name_key
from places.typed import OF_WORDS, PARTICLES, Window, one_slip, windows

# How far apart two candidates may be and still be "the same place" (a city and its
# district, a town and its port).
CLOSE_KM = 30.0
# A place this big may be named by one of its alternate names alone ("ISTAMBUL"), and
# may be what the user meant by a one-letter slip.
BIG_CITY = 100_000
# A place this big has districts: words before or after its name that we cannot place
# are taken for one ("KUCUKCEKMECE ISTANBUL", "Mijas Costa Las Lagunas").
DISTRICT_CITY = 50_000
# Words that are neither a place nor part of one's name.
NOISE_WORDS = {
    "merkez", "merkezi", "centro", "centre", "center", "zentrum", "campus", "kampus",
    "kampusu", "airport", "flughafen", "aeropuerto", "aeroport", "aeroporto", "district",
    "ilcesi", "mahallesi", "mah", "county", "maakond", "province", "provincia", "region",
    "city", "town", "ciudad", "ville", "stadt", "capital"}


def km(a: Place, b: Place) -> float:
    """Great-circle distance in km (equirectangular: fine at these distances)."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def all_close(places: list[Place]) -> bool:
    return all(km(places[0], p) <= CLOSE_KM for p in places[1:])


def most_populous(places: list[Place]) -> Place:
    return min(places, key=lambda place: place.rank)


def credible(key: str, place: Place) -> bool:
    """A part of the text names this place credibly: by its own name, or a big city's."""
    return place.population >= BIG_CITY or name_key(place.name) == key



def edge_spaces(part: str) -> str:
    """name_key of a piece of text, keeping a space at either end ("ostrowiec ?wi?...")."""
    key = name_key(part)
    return (" " if part[:1] == " " else "") + key + (" " if part[-1:] == " " and key else "")


def _prefix_place(cleaned: str, a3: str, index: dict[str, Place]) -> Place | None:
    """The typed name as the start of a longer official name: "As Pontes" -> "As Pontes de
    García Rodríguez". Needs a real word at the end, not just "San", and one place (or
    places close together) among all the names it starts."""
    words = cleaned.split()
    if words[-1] in PARTICLES or len(cleaned) < 4:
        return None
    stem = cleaned + " "
    keys = sorted_keys(a3)
    starts = []
    for key in keys[bisect.bisect_left(keys, stem):]:
        if not key.startswith(stem):
            break
        starts.append(index[key])
    if starts and all_close(starts):
        return most_populous(starts)
    return None


def _of_place(words: list[str], index: dict[str, Place]) -> Place | None:
    """"Locality de Municipality" ("San Vicente de Barakaldo", "San Domenico di Fiesole"):
    the part after the first "de"/"di" that names a place by its own name."""
    for i, word in enumerate(words[1:-1], start=1):
        if word in OF_WORDS:
            tail = words[i + 1:]
            while len(tail) > 1 and (len(tail[-1]) <= 2 or tail[-1] in NOISE_WORDS):
                tail = tail[:-1]  # "SAN DOMENICO DI FIESOLE FI": a province code
            tails = [tail]
            while len(tail) > 1 and tail[0] in PARTICLES:
                tail = tail[1:]
                tails.append(tail)  # "La Aldea de San Nicolás": "san nicolas", "nicolas"
            for tail in tails:
                key = " ".join(tail)
                place = index.get(key)
                if place is not None and credible(key, place):
                    return place
            return None
    return None


def _part_place(cleaned: str, a3: str, index: dict[str, Place]) -> Place | None:
    """Several names in one field ("TANDOGAN ANKARA", "VIC BARCELONA", "Espinardo-Murcia").

    The parts that credibly name a place compete: a part that is also a region's name
    ("Barcelona", a province) gives way to a town in the same first-level division;
    longer parts beat shorter ones; among the rest, which must lie close together, the
    most populous wins. Words left unplaced must be noise or a region, or the winner a
    city big enough to have districts.
    """
    words = cleaned.split()
    found: list[tuple[Window, Place]] = []
    weak: list[tuple[Window, Place]] = []
    for window in windows(cleaned):
        place = index.get(window.key)
        if place is None:
            continue
        primary = name_key(place.name)
        if window.start > 0 and window.key.split()[0] in PARTICLES and primary != window.key:
            continue  # "Pasai San Pedro" is not San Pedro Alcántara
        after = words[window.start + window.size:window.start + window.size + 1]
        rest = primary[len(window.key):].split()
        if primary.startswith(window.key + " ") and after and after[0] != rest[0]:
            continue  # "Clermont l'Hérault" is not Clermont-Ferrand
        (found if credible(window.key, place) else weak).append((window, place))
    if not found and len(weak) == 1:
        found = weak  # an alternate name of a small place: only if nothing is left over
    if not found:
        return None
    towns = [(w, p) for w, p in found if not is_region(w.key, a3)]
    regions = [(w, p) for w, p in found if is_region(w.key, a3)]
    pool = towns or regions
    if towns and regions:  # a town and its province, or a district and its city
        inside = [(w, p) for w, p in towns if any(p.admin1 == r.admin1 for _, r in regions)]
        pool = inside or regions
    longest = max(w.size for w, _ in pool)
    pool = [(w, p) for w, p in pool if w.size == longest]
    if not all_close([p for _, p in pool]):
        return None  # two towns far apart, nothing to choose by
    window, best = min(pool, key=lambda wp: wp[1].rank)
    placed = set(range(window.start, window.start + window.size))
    host = best
    for w, p in found:  # other names of places nearby ("KALLITHEA ATHINA")
        if km(p, best) <= CLOSE_KM:
            placed.update(range(w.start, w.start + w.size))
            host = min(host, p, key=lambda place: place.rank)
    for w in windows(cleaned):  # region names ("ELGOIBAR GIPUZKOA", "Moulins sur Allier")
        if is_region(w.key, a3):
            placed.update(range(w.start, w.start + w.size))
    unplaced = [word for i, word in enumerate(words) if i not in placed
                and word not in PARTICLES and word not in NOISE_WORDS and len(word) > 3]
    if unplaced and (found is weak or host.population < DISTRICT_CITY):
        return None  # "Ravine des Cabris" is not Cabris, "Cogollos Vega" not Vega
    return best


def _slip_place(cleaned: str, index: dict[str, Place]) -> Place | None:
    """One typing slip in a long name of a big place ("STTUTGART", "BIELEFED")."""
    if len(cleaned) < 7 or " " in cleaned:
        return None
    found = [index[v] for v in one_slip(cleaned) if v in index]
    found = [place for place in found if place.population >= DISTRICT_CITY]
    if found and all_close(found):
        return most_populous(found)
    return None


def find_loosely(cleaned: str, a3: str, index: dict[str, Place],
                  region_a3: str) -> Place | None:
    """Guesses from a cleaned name key in one country (see the module doc)."""
    if not cleaned:
        return None
    words = cleaned.split()
    return (_prefix_place(cleaned, a3, index) or _of_place(words, index)
            or _part_place(cleaned, region_a3, index) or _slip_place(cleaned, index))
