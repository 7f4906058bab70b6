"""Countries: any way people write a country -> ISO alpha-3, readable names, map centroids.

Example::

    >>> normalize_country("Janubiy Koreya"), normalize_country("Российская Федерация")
    ('KOR', 'RUS')
    >>> country_name("KOR"), country_name("KOR", "ru"), country_name("KOR", "uz")
    ('South Korea', 'Южная Корея', 'Janubiy Koreya')

Names come from pycountry (ISO 3166-1 with its ru/uz gettext catalogs), the Unicode
CLDR (babel) for the gaps of the uz catalog, plus the small deliberate tables below
(common short forms, Uzbek names the uz catalog lacks). Uzbek Cyrillic is matched by
transliterating it to Uzbek Latin (`places.names.to_latin`). All indexes are built
lazily, once, on first use.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache

import pycountry
from babel import Locale

from places.names import CYRILLIC_RE, name_key, to_latin

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


def _translations(lang: str) -> gettext.NullTranslations:
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
    for a3, by_lang in _EXTRA_COUNTRIES.items():
        for name in by_lang.values():
            add(name, a3)
    # CLDR's Uzbek names fill the gaps of the uz catalog ("Bagama orollari").
    for a2, name in _cldr_names("uz").items():
        code = index_codes().get(a2) if len(a2) == 2 and a2.isalpha() else None
        if code:
            add(name, code)
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
    if CYRILLIC_RE.search(raw):
        latin = name_key(to_latin(raw, "uz"))
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
    names = dict(Locale.parse(lang).territories)
    if lang == "uz":
        names = {code: name.replace("\u2018", "\u02bb").replace("\u2019", "\u02bc")
                 for code, name in names.items()}
    return names
