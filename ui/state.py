"""The view state (filters, language, presentation mode) and its query-string form.

Pure functions: ``parse_query`` reads ``st.query_params``-like mappings, ``to_query``
writes the short form back, so a link reproduces the view. Example::

    >>> parse_query({"inst": ["samsmu"], "from": ["2023"], "lang": ["ru"]}).year_from
    2023
    >>> to_query(ViewState(institutions=("samsmu",), year_from=2023, year_to=2024))
    {'inst': ['samsmu'], 'from': ['2023'], 'to': ['2024']}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from i18n import DEFAULT_LANG, LANGUAGES

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
    present: bool = False

    def with_changes(self, **changes: object) -> ViewState:
        return replace(self, **changes)


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


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text).strip())
    except (TypeError, ValueError):
        return None


def parse_query(params: Mapping[str, object]) -> ViewState:
    """The view state a query string describes; unreadable values are ignored."""
    first = {key: (_values(params, key) or [None])[0] for key in (Q_FROM, Q_TO, Q_AS_OF, Q_LANG, Q_PRESENT)}
    year_from, year_to = _year(first[Q_FROM]), _year(first[Q_TO])
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
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
        present=str(first[Q_PRESENT]).lower() in ("1", "true", "yes", "on"),
    )


def unreadable(params: Mapping[str, object]) -> dict[str, str]:
    """Year and date parameters that ``parse_query`` could not read (key -> raw value).

    >>> unreadable({"as_of": ["garbage"], "from": ["2023"]})
    {'as_of': 'garbage'}
    """
    out: dict[str, str] = {}
    for key, read in ((Q_FROM, _year), (Q_TO, _year), (Q_AS_OF, _date)):
        raw = (_values(params, key) or [None])[0]
        if raw is not None and read(raw) is None:
            out[key] = raw
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
    if state.present:
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
