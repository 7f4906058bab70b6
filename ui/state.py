"""The view state (filters, language, presentation mode) and its query-string form.

Pure functions: ``parse_query`` reads ``st.query_params``-like mappings, ``to_query``
writes the short form back, so a link reproduces the view; ``reconcile`` fits a shared
link's view to the dataset at hand (what it keeps, and what it cannot show). Example::

    >>> parse_query({"inst": ["samsmu"], "from": ["2023"], "lang": ["ru"]}).year_from
    2023
    >>> to_query(ViewState(institutions=("samsmu",), year_from=2023, year_to=2024))
    {'inst': ['samsmu'], 'from': ['2023'], 'to': ['2024']}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from i18n import DEFAULT_LANG, LANGUAGES
from metrics.options import FilterOptions
from metrics.scope import as_of_supported
from places.countries import normalize_country

# Query-string parameter names (short: the link is shared in chats and e-mails).
Q_INSTITUTION = "inst"
Q_FROM = "from"
Q_TO = "to"
Q_REGION = "region"
Q_COUNTRY = "country"
Q_FACULTY = "faculty"
Q_PARTNER_TYPE = "ptype"
Q_AS_OF = "as_of"
Q_LANG = "lang"
Q_PRESENT = "present"
# ``unreadable`` keys beside the query's own: a date outside what the figures support,
# a year range that ends before it starts.
AS_OF_RANGE = "as_of_range"
YEARS_REVERSED = "years"
QUERY_KEYS = (
    Q_INSTITUTION, Q_FROM, Q_TO, Q_REGION, Q_COUNTRY, Q_FACULTY, Q_PARTNER_TYPE, Q_AS_OF,
    Q_LANG, Q_PRESENT,
)


@dataclass(frozen=True)
class ViewState:
    """What the sidebar selects; empty tuple = all, None year = open, None as_of = today."""

    institutions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    faculties: tuple[str, ...] = ()
    partner_types: tuple[str, ...] = ()
    as_of: date | None = None
    lang: str = DEFAULT_LANG
    presenting: bool = False


def _values(params: Mapping[str, object], key: str) -> list[str]:
    """All values of ``key``: repeated parameters and comma-separated lists both work."""
    if hasattr(params, "get_all"):
        raw = params.get_all(key)  # st.query_params
    else:
        raw = params.get(key, [])
    if isinstance(raw, str):
        raw = [raw]
    out: list[str] = []
    for item in raw or []:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _year(text: str | None) -> int | None:
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2200 else None


def _any_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text).strip())
    except (TypeError, ValueError):
        return None


def _date(text: str | None) -> date | None:
    """A reference date the figures support (``metrics.as_of_supported``), else None."""
    day = _any_date(text)
    return day if day is not None and as_of_supported(day) else None


def parse_query(params: Mapping[str, object]) -> ViewState:
    """The view state a query string describes; unreadable values are ignored."""
    first = {key: (_values(params, key) or [None])[0] for key in (Q_FROM, Q_TO, Q_AS_OF, Q_LANG, Q_PRESENT)}
    year_from, year_to = _year(first[Q_FROM]), _year(first[Q_TO])
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from = year_to = None  # a range that ends before it starts: dropped, with a notice
    lang = first[Q_LANG] if first[Q_LANG] in LANGUAGES else DEFAULT_LANG
    return ViewState(
        institutions=tuple(_values(params, Q_INSTITUTION)),
        year_from=year_from,
        year_to=year_to,
        regions=tuple(_values(params, Q_REGION)),
        countries=tuple(v.upper() for v in _values(params, Q_COUNTRY)),
        faculties=tuple(_values(params, Q_FACULTY)),
        partner_types=tuple(v.lower() for v in _values(params, Q_PARTNER_TYPE)),
        as_of=_date(first[Q_AS_OF]),
        lang=lang,
        presenting=str(first[Q_PRESENT]).lower() in ("1", "true", "yes", "on"),
    )


def unreadable(params: Mapping[str, object]) -> dict[str, str]:
    """Year and date parameters that ``parse_query`` could not use (key -> raw value):
    unreadable ones, a reference date outside what the figures support (``as_of_range``)
    and a year range that ends before it starts (``years``).

    >>> unreadable({"as_of": ["garbage"], "from": ["2023"]})
    {'as_of': 'garbage'}
    >>> unreadable({"as_of": ["0001-01-01"], "from": ["2030"], "to": ["2020"]})
    {'as_of_range': '0001-01-01', 'years': '2030–2020'}
    """
    out: dict[str, str] = {}
    for key, read in ((Q_FROM, _year), (Q_TO, _year), (Q_AS_OF, _date)):
        raw = (_values(params, key) or [None])[0]
        if raw is not None and read(raw) is None:
            day = _any_date(raw) if key == Q_AS_OF else None
            if day is not None:  # a real date, written back plainly (digits and dashes)
                out[AS_OF_RANGE] = day.isoformat()
            else:
                out[key] = raw
    low, high = (_year((_values(params, key) or [None])[0]) for key in (Q_FROM, Q_TO))
    if low is not None and high is not None and low > high:
        out[YEARS_REVERSED] = f"{low}–{high}"
    return out


def to_query(state: ViewState) -> dict[str, list[str]]:
    """The query parameters of a view state; defaults are left out to keep links short."""
    query: dict[str, list[str]] = {}
    if state.institutions:
        query[Q_INSTITUTION] = list(state.institutions)
    if state.year_from is not None:
        query[Q_FROM] = [str(state.year_from)]
    if state.year_to is not None:
        query[Q_TO] = [str(state.year_to)]
    if state.regions:
        query[Q_REGION] = list(state.regions)
    if state.countries:
        query[Q_COUNTRY] = list(state.countries)
    if state.faculties:
        query[Q_FACULTY] = list(state.faculties)
    if state.partner_types:
        query[Q_PARTNER_TYPE] = list(state.partner_types)
    if state.as_of is not None:
        query[Q_AS_OF] = [state.as_of.isoformat()]
    if state.lang != DEFAULT_LANG:
        query[Q_LANG] = [state.lang]
    if state.presenting:
        query[Q_PRESENT] = ["1"]
    return query


def to_scope_kwargs(state: ViewState, today: date | None = None) -> dict[str, object]:
    """Keyword arguments for ``metrics.Scope`` (as_of defaults to today)."""
    return {
        "institutions": frozenset(state.institutions),
        "year_from": state.year_from,
        "year_to": state.year_to,
        "countries": frozenset(state.countries),
        "regions": frozenset(state.regions),
        "faculties": frozenset(state.faculties),
        "partner_types": frozenset(state.partner_types),
        "as_of": state.as_of or today or date.today(),
    }


# --------------------------------------------------------------- a shared link vs the dataset


def match(wanted: Sequence[str], options: Sequence[str], aliases: Mapping[str, str] | None = None,
          resolve: Callable[[str], str | None] | None = None) -> list[str]:
    """Values of ``wanted`` that are options (case-insensitive; aliases and ``resolve`` help).

    >>> match(("samsmu", "TSMU", "nope"), ["samsmu", "tsmu"])
    ['samsmu', 'tsmu']
    """
    by_fold = {o.casefold(): o for o in options}
    for alias, option in (aliases or {}).items():
        by_fold.setdefault(alias.casefold(), option)
    out: list[str] = []
    for item in wanted:
        hit = by_fold.get(str(item).casefold())
        if hit is None and resolve is not None:
            code = resolve(item)
            hit = code if code in options else None
        if hit is not None and hit not in out:
            out.append(hit)
    return out


def unmatched(wanted: Sequence[str], options: Sequence[str], aliases: Mapping[str, str] | None = None,
              resolve: Callable[[str], str | None] | None = None) -> list[str]:
    """Values of ``wanted`` that ``match`` drops (not in this dataset)."""
    return [item for item in wanted if not match((item,), options, aliases, resolve)]


def _country_code(text: str) -> str | None:
    """A country as a link may write it (code or name in any language) -> ISO alpha-3."""
    return normalize_country(text)


@dataclass(frozen=True)
class LinkProblems:
    """What of a shared link's filters this dataset cannot show (the sidebar's notice)."""

    unknown: tuple[tuple[str, str], ...] = ()  # (the filter's label key, the link's value)
    years: tuple[int, int] | None = None  # the link's years, all outside the data's span
    span: tuple[int, int] | None = None  # the data's span
    unreadable: dict[str, str] = field(default_factory=dict)  # query key -> raw value

    def __bool__(self) -> bool:
        return bool(self.unknown or self.years or self.unreadable)


@dataclass(frozen=True)
class Seeded:
    """The filters' first values for a session: the link's view, fitted to the dataset."""

    institutions: list[str]
    regions: list[str]
    countries: list[str]
    faculties: list[str]
    partner_types: list[str]
    years: tuple[int, int] | None  # the slider's range (None: the data has no years)
    asked_years: tuple[int | None, int | None]  # the link's own from/to
    as_of: date
    problems: LinkProblems


def link_problems(seed: ViewState, options: FilterOptions,
                  unreadable_params: Mapping[str, str] | None = None) -> LinkProblems:
    """What of ``seed``'s filters ``options`` does not hold, and its years beyond the span."""
    unknown = [("filters.institution", v)
               for v in unmatched(seed.institutions, options.institutions, options.institution_aliases)]
    unknown += [("filters.region", v) for v in unmatched(seed.regions, options.regions)]
    unknown += [("filters.country", v)
                for v in unmatched(seed.countries, options.countries, resolve=_country_code)]
    unknown += [("filters.faculty", v) for v in unmatched(seed.faculties, options.faculties)]
    unknown += [("filters.partner_type", v) for v in unmatched(seed.partner_types, options.partner_types)]
    span = options.span
    years = None
    if span is not None and (seed.year_from is not None or seed.year_to is not None):
        low = seed.year_from if seed.year_from is not None else seed.year_to
        high = seed.year_to if seed.year_to is not None else seed.year_from
        if (seed.year_to is not None and seed.year_to < span[0]) or (
                seed.year_from is not None and seed.year_from > span[1]):
            years = (low, high)
    return LinkProblems(tuple(unknown), years, span, dict(unreadable_params or {}))


def clip_years(low: int, high: int, span: tuple[int, int]) -> tuple[int, int]:
    """A year range moved inside ``span`` (a range wholly outside becomes one edge year).

    >>> clip_years(2019, 2023, (2021, 2025)), clip_years(2030, 2031, (2021, 2025))
    ((2021, 2023), (2025, 2025))
    """
    return max(span[0], min(low, span[1])), min(span[1], max(high, span[0]))


def reconcile(seed: ViewState, options: FilterOptions, unreadable_params: Mapping[str, str] | None = None,
              today: date | None = None) -> Seeded:
    """The filters a shared link asks for, as this dataset can show them, and what it cannot."""
    span = options.span
    years = None
    if span is not None:
        years = clip_years(seed.year_from if seed.year_from is not None else span[0],
                           seed.year_to if seed.year_to is not None else span[1], span)
    return Seeded(
        institutions=match(seed.institutions, options.institutions, options.institution_aliases),
        regions=match(seed.regions, options.regions),
        countries=match(seed.countries, options.countries, resolve=_country_code),
        faculties=match(seed.faculties, options.faculties),
        partner_types=match(seed.partner_types, options.partner_types),
        years=years,
        asked_years=(seed.year_from, seed.year_to),
        as_of=seed.as_of or today or date.today(),
        problems=link_problems(seed, options, unreadable_params),
    )


def years_for_span(selected: Sequence[int] | None, old_span: Sequence[int] | None,
                   span: tuple[int, int]) -> tuple[int, int]:
    """The year slider's range once the data spans ``span``.

    A range that covered the whole old span (the user never narrowed it) keeps meaning
    "all years" and grows with the data; a narrowed one is kept, clipped to the new span.

    >>> years_for_span((2021, 2024), (2021, 2024), (2021, 2025))
    (2021, 2025)
    >>> years_for_span((2022, 2023), (2021, 2024), (2023, 2025))
    (2023, 2023)
    """
    if selected is None or old_span is None or tuple(selected) == tuple(old_span):
        if selected is None or old_span is not None:
            return span
        return clip_years(selected[0], selected[1], span)
    return clip_years(selected[0], selected[1], span)


def scope_years(selected: Sequence[int], span: tuple[int, int],
                asked: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    """(year_from, year_to) of the scope for the slider's ``selected`` range.

    The full range means "all years" (undated rows stay in), unless the link asked for
    explicit years beyond the data (``asked``): those stay, so the view stays empty.

    >>> scope_years((2022, 2024), (2021, 2025), (None, None))
    (2022, 2024)
    >>> scope_years((2021, 2025), (2021, 2025), (2019, 2030))
    (2019, 2030)
    >>> scope_years((2021, 2025), (2021, 2025), (2023, None))
    (None, None)
    """
    if tuple(selected) != tuple(span):
        return int(selected[0]), int(selected[1])
    year_from, year_to = asked
    if year_from is not None and year_from > span[0]:
        year_from = None
    if year_to is not None and year_to < span[1]:
        year_to = None
    return year_from, year_to
