"""Countries: every way people write one -> ISO alpha-3; names; map centroids."""

from __future__ import annotations

import math

import pytest

from places.centroids import _representative_point, country_centroid
from places.countries import country_name, normalize_country
from places.names import name_key, to_latin


@pytest.mark.parametrize(("text", "expected"), [
    # codes
    ("KOR", "KOR"), ("kor", "KOR"), ("KR", "KOR"), (" DE ", "DEU"), ("UK", "GBR"),
    ("EL", "GRC"), ("XK", "XKX"), ("USA", "USA"), ("US", "USA"),
    # English, official and common
    ("South Korea", "KOR"), ("Korea, Republic of", "KOR"), ("Republic of Korea", "KOR"),
    ("United States", "USA"), ("United States of America", "USA"), ("Turkey", "TUR"),
    ("Türkiye", "TUR"), ("TURKIYE", "TUR"), ("Russian Federation", "RUS"), ("Russia", "RUS"),
    ("United Kingdom", "GBR"), ("Great Britain", "GBR"), ("Czech Republic", "CZE"),
    ("Iran, Islamic Republic of", "IRN"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"),
    ("North Korea", "PRK"), ("Kosovo", "XKX"), ("Côte d'Ivoire", "CIV"),
    # Russian
    ("Республика Корея", "KOR"), ("Южная Корея", "KOR"), ("Россия", "RUS"),
    ("Российская Федерация", "RUS"), ("США", "USA"), ("Германия", "DEU"), ("Индия", "IND"),
    ("Китай", "CHN"), ("Казахстан", "KAZ"), ("Таджикистан", "TJK"), ("Турция", "TUR"),
    ("Великобритания", "GBR"), ("Белоруссия", "BLR"),
    # Uzbek Latin, any apostrophe
    ("Janubiy Koreya", "KOR"), ("Turkiya", "TUR"), ("Germaniya", "DEU"), ("Hindiston", "IND"),
    ("Xitoy", "CHN"), ("Rossiya", "RUS"), ("Qozogʻiston", "KAZ"), ("Qozog'iston", "KAZ"),
    ("Qozog‘iston", "KAZ"), ("Qozog’iston", "KAZ"), ("Qozogʼiston", "KAZ"),
    ("Qozog`iston", "KAZ"), ("QOZOGISTON", "KAZ"), ("Oʻzbekiston", "UZB"),
    ("AQSH", "USA"), ("Buyuk Britaniya", "GBR"),
    # Uzbek Cyrillic
    ("Тожикистон", "TJK"), ("Қозоғистон", "KAZ"), ("Ўзбекистон", "UZB"), ("Хитой", "CHN"),
    ("Ҳиндистон", "IND"), ("Жанубий Корея", "KOR"), ("Туркия", "TUR"), ("Германия", "DEU"),
    # a qualifier after the name
    ("Germany (Federal Republic)", "DEU"),
])
def test_normalize_country(text, expected):
    assert normalize_country(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "Atlantis", "no", "in", float("nan"), 42])
def test_normalize_country_unknown(text):
    assert normalize_country(text) is None


@pytest.mark.parametrize(("a3", "lang", "expected"), [
    ("KOR", "en", "South Korea"), ("KOR", "ru", "Южная Корея"), ("KOR", "uz", "Janubiy Koreya"),
    ("RUS", "en", "Russia"), ("RUS", "ru", "Россия"), ("RUS", "uz", "Rossiya"),
    ("USA", "en", "United States"), ("USA", "ru", "США"),
    ("GBR", "en", "United Kingdom"), ("GBR", "ru", "Великобритания"),
    ("DEU", "en", "Germany"), ("DEU", "ru", "Германия"), ("DEU", "uz", "Germaniya"),
    ("IRN", "en", "Iran"), ("VNM", "en", "Vietnam"), ("TUR", "uz", "Turkiya"),
    ("KAZ", "uz", "Qozogʻiston"), ("UZB", "ru", "Узбекистан"), ("XKX", "en", "Kosovo"),
    ("kor", "en", "South Korea"),
    ("FJI", "uz", "Fiji"),  # no Uzbek name: English
    ("ZZZ", "en", "ZZZ"),  # unknown: the code itself
])
def test_country_name(a3, lang, expected):
    assert country_name(a3, lang) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("  Qozogʻiston ", "qozogiston"), ("QOZOG'ISTON", "qozogiston"),
    ("La Roche-sur-Yon", "la roche sur yon"), ("MÜNCHEN", "munchen"),
    ("Korea, Republic of", "korea republic of"), ("Bosnia & Herzegovina", "bosnia and herzegovina"),
])
def test_name_key(text, expected):
    assert name_key(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Тошкент", "toshkent"), ("Ўзбекистон", "ozbekiston"), ("Қўқон", "qoqon"),
    ("Ғузор", "guzor"), ("Ҳазорасп", "hazorasp"), ("Ечки", "yechki"), ("Чирчиқ", "chirchiq"),
])
def test_uz_cyrillic_to_latin(text, expected):
    assert to_latin(text, "uz") == expected


# Boxes around each mainland (lat_min, lat_max, lon_min, lon_max), from an atlas.
@pytest.mark.parametrize(("a3", "box"), [
    ("USA", (25, 49, -125, -67)),    # not Alaska or Hawaii
    ("RUS", (50, 70, 30, 140)),      # not Kaliningrad, not across the date line
    ("FRA", (42, 51, -5, 8)),        # not French Guiana
    ("NOR", (58, 71, 4, 31)),        # not Svalbard
    ("UZB", (37, 45.6, 56, 73.2)),
    ("KOR", (33, 38.7, 124.5, 130)),
    ("XKX", (41.8, 43.3, 20, 21.8)),
])
def test_country_centroid_on_the_mainland(a3, box):
    lat, lon = country_centroid(a3)
    assert box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


# Too small for the 1:110m map: the capital, from an atlas (degrees and minutes). Within
# 0.02 degrees (about 2 km), which the islands' own centres are not (Singapore island
# ~1.35 N, Malta ~14.40 E, Bahrain ~26.03 N).
@pytest.mark.parametrize(("a3", "capital"), [
    ("SGP", (1 + 17 / 60, 103 + 50 / 60)),             # Singapore 1°17'N 103°50'E
    ("MLT", (35 + 54 / 60, 14 + 31 / 60)),             # Valletta 35°54'N 14°31'E
    ("BHR", (26 + 13 / 60, 50 + 35 / 60)),             # Manama 26°13'N 50°35'E
])
def test_country_centroid_falls_back_to_the_capital(a3, capital):
    lat, lon = country_centroid(a3)
    assert lat == pytest.approx(capital[0], abs=0.02) and lon == pytest.approx(capital[1], abs=0.02)


@pytest.mark.parametrize("a3", ["ZZZ", "", None])
def test_country_centroid_unknown(a3):
    assert country_centroid(a3) is None


def test_representative_point_of_a_square_is_its_centre():
    square = [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]
    assert _representative_point(square) == (1.0, 1.0)


def test_representative_point_of_a_u_shape_is_inside_it():
    # A 3x3 square with a 1x2 notch cut from the top middle: area 9 - 2 = 7, centroid
    # x = 1.5, y = (9 * 1.5 - 2 * 2) / 7 = 9.5 / 7, which lies in the notch (outside).
    # Along y = 9.5/7 the inside stretches are [0, 1] and [2, 3]: the first one's middle.
    u_shape = [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]]
    lat, lon = _representative_point(u_shape)
    assert math.isclose(lat, 9.5 / 7) and lon == 0.5
