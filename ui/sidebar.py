"""The shared sidebar: language, presentation mode and the filters, mirrored in the URL.

The widgets live in ``dashboard.py``'s run (the entry script runs on every page), so
their values persist across pages; on the first run of a session they are seeded from
the query string, and after every run the query string is rewritten from them, so a
link reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

import metrics
from datastore import version_shown
from i18n import DEFAULT_LANG, LANGUAGES, t
from loaders import Dataset
from ui import data as cached
from ui.state import ViewState, parse_query, to_query, to_scope_kwargs, unreadable
from ui.text import plain

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "uz": "Oʻzbekcha"}
PARTNER_TYPES = (
    "university", "research_center", "hospital", "foundation", "company", "government",
    "association", "other",
)

K_LANG, K_PRESENT = "ui_lang", "ui_present"
K_INST, K_YEARS, K_REGION, K_COUNTRY = "f_inst", "f_years", "f_region", "f_country"
K_FACULTY, K_PTYPE, K_AS_OF = "f_faculty", "f_ptype", "f_as_of"
K_SEEDED = "_view_seeded"
K_CONTEXT = "_page_context"
K_LINK_NOTICE = "_link_notice"
K_SPAN = "_years_span"  # the data's year span the slider was last drawn for
FILTER_KEYS = (K_INST, K_YEARS, K_REGION, K_COUNTRY, K_FACULTY, K_PTYPE, K_AS_OF)


@dataclass
class PageContext:
    """What every page needs: language, mode, the dataset (cache key) and the scope."""

    lang: str
    present: bool
    view: ViewState
    dataset: Dataset | None
    path: str
    stamp: tuple
    scope: metrics.Scope | None = None
    institution_names: dict[str, str] = field(default_factory=dict)
    year_span: tuple[int, int] | None = None

    @property
    def fatal(self) -> str | None:
        if self.dataset is None:
            return t("common.fatal_missing", self.lang)
        return self.dataset.fatal_text(self.lang)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.dataset.tables

    def scoped(self, scope: metrics.Scope | None = None) -> dict[str, pd.DataFrame]:
        return cached.scoped_tables(self.path, self.stamp, scope or self.scope)

    def kpis(self, scope: metrics.Scope | None = None) -> tuple[dict, dict]:
        return cached.kpis_with_notes(self.path, self.stamp, scope or self.scope)

    def comparison_year(self) -> int | None:
        """The year the year-over-year deltas are for.

        The range's end when one is set; else the last full calendar year before the
        reference date (a half year against a whole one would always look like a fall).
        """
        if self.scope is not None and self.scope.year_to is not None:
            return self.scope.year_to
        if self.year_span is None:
            return None
        latest = self.year_span[1]
        if self.scope is not None:
            as_of = self.scope.as_of
            full_year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
            latest = min(latest, full_year)
        return latest

    def institution_label(self, institution_id: object) -> str:
        return self.institution_names.get(str(institution_id), str(institution_id))

    def partner_names(self) -> dict[str, str]:
        partners = self.tables["partners"]
        return dict(zip(partners["partner_id"].astype(str), partners["name"].astype(str), strict=True))

    def lookups(self) -> dict:
        """Value -> label functions for ``ui.tables.display_frame``."""
        names = self.partner_names()
        return {
            "country": self.country_name,
            "institution": self.institution_label,
            "partner": lambda pid: names.get(str(pid), str(pid)),
        }

    def country_name(self, code: object) -> str:
        return country_label(code, self.lang)


def country_label(code: object, lang: str) -> str:
    """Country name in ``lang`` for an ISO alpha-3 code ("" for unknown)."""
    if not isinstance(code, str) or not code:
        return ""
    from places.countries import country_name

    return country_name(code, lang)


# --------------------------------------------------------------- language and mode


def _seed() -> ViewState:
    """The view the URL asked for when this session started."""
    if "_view_seed" not in st.session_state:
        st.session_state["_view_seed"] = parse_query(st.query_params)
        st.session_state["_seed_unreadable"] = unreadable(st.query_params)
    return st.session_state["_view_seed"]


def current_language() -> tuple[str, bool]:
    """(lang, present) before the widgets draw (navigation titles need the language)."""
    seed = _seed()
    if K_LANG not in st.session_state:
        st.session_state[K_LANG] = seed.lang
    if K_PRESENT not in st.session_state:
        st.session_state[K_PRESENT] = seed.present
    lang = st.session_state[K_LANG]
    return (lang if lang in LANGUAGES else DEFAULT_LANG), bool(st.session_state[K_PRESENT])


# --------------------------------------------------------------- filter options


def _years_span(tables: dict[str, pd.DataFrame]) -> tuple[int, int] | None:
    years: list[int] = []
    for name, columns in (
        ("agreements", ("signed_on", "expires_on")),
        ("visits", ("start_date", "end_date")),
        ("grants", ("start_date", "end_date")),
    ):
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        for column in columns:
            if column in frame.columns:
                known = pd.to_datetime(frame[column], errors="coerce").dt.year.dropna()
                years += [int(known.min()), int(known.max())] if len(known) else []
    students = tables.get("students")
    if students is not None and not students.empty and "year_start" in students.columns:
        known = pd.to_numeric(students["year_start"], errors="coerce").dropna()
        years += [int(known.min()), int(known.max())] if len(known) else []
    if not years:
        return None
    return min(years), max(years)


def _countries(tables: dict[str, pd.DataFrame]) -> list[str]:
    codes: set[str] = set()
    for name in ("partners", "visits", "students"):
        frame = tables.get(name)
        if frame is not None and "country" in frame.columns:
            # unique() first: a million visits hold a few dozen countries
            codes |= {str(c) for c in frame["country"].dropna().unique() if str(c)}
    return sorted(codes)


def _faculties(tables: dict[str, pd.DataFrame]) -> list[str]:
    names: set[str] = set()
    for name in ("agreements", "visits", "grants", "students"):
        frame = tables.get(name)
        if frame is not None and "faculty" in frame.columns:
            names |= {str(f) for f in frame["faculty"].explode().dropna().unique() if str(f)}
    return sorted(names, key=str.casefold)


@st.cache_data(show_spinner=False, max_entries=4)
def _filter_options(path: str, stamp: tuple) -> tuple[list[str], list[str], tuple[int, int] | None]:
    """(countries, faculties, year span) of the dataset, once per dataset version."""
    tables = cached.load_cached(path, stamp).tables
    return _countries(tables), _faculties(tables), _years_span(tables)


def _regions(countries: list[str]) -> list[str]:
    present = set(countries)
    out = []
    for region in metrics.REGIONS:
        try:
            members = metrics.region_countries(region)
        except KeyError:
            continue
        if members & present:
            out.append(region)
    return out


def _match(wanted: tuple[str, ...], options: list[str], aliases: dict[str, str] | None = None,
           resolve=None) -> list[str]:
    """Values of ``wanted`` that are options (case-insensitive; aliases and ``resolve`` help)."""
    by_fold = {o.casefold(): o for o in options}
    for alias, option in (aliases or {}).items():
        by_fold.setdefault(alias.casefold(), option)
    out = []
    for item in wanted:
        hit = by_fold.get(str(item).casefold())
        if hit is None and resolve is not None:
            code = resolve(item)
            hit = code if code in options else None
        if hit is not None and hit not in out:
            out.append(hit)
    return out


def _unmatched(wanted: tuple[str, ...], options: list[str], aliases: dict[str, str] | None = None,
               resolve=None) -> list[str]:
    """Values of ``wanted`` that ``_match`` drops (not in this dataset)."""
    return [item for item in wanted if not _match((item,), options, aliases, resolve)]


def _link_problems(seed: ViewState, options: dict[str, list], span: tuple[int, int] | None) -> dict:
    """What of the link's filters this dataset cannot show (for the sidebar notice)."""
    from places.countries import normalize_country

    unknown = [("filters.institution", v) for v in _unmatched(seed.institutions, options["inst"],
                                                             options["inst_aliases"])]
    unknown += [("filters.region", v) for v in _unmatched(seed.regions, options["region"])]
    unknown += [("filters.country", v) for v in _unmatched(seed.countries, options["country"],
                                                          resolve=normalize_country)]
    unknown += [("filters.faculty", v) for v in _unmatched(seed.faculties, options["faculty"])]
    unknown += [("filters.partner_type", v) for v in _unmatched(seed.partner_types, options["ptype"])]
    years = None
    if span is not None and (seed.year_from is not None or seed.year_to is not None):
        low = seed.year_from if seed.year_from is not None else seed.year_to
        high = seed.year_to if seed.year_to is not None else seed.year_from
        if (seed.year_to is not None and seed.year_to < span[0]) or (
                seed.year_from is not None and seed.year_from > span[1]):
            years = (low, high)
    return {"unknown": unknown, "years": years, "span": span,
            "unreadable": dict(st.session_state.get("_seed_unreadable", {}))}


def _link_notice(sb, lang: str) -> None:
    """A quiet caption: what the shared link asked for that this view could not keep."""
    problems = st.session_state.get(K_LINK_NOTICE)
    if not problems:
        return

    def label(key: str) -> str:
        text = t(key, lang)
        return text[:1].lower() + text[1:]

    lines = []
    if problems["unknown"]:
        # the values come from the link: shown as text (ui.text), never as markdown
        items = "; ".join(f"{label(key)} {plain(value)}" for key, value in problems["unknown"])
        lines.append(t("filters.link_notice.unknown", lang, items=items))
    if problems["years"] is not None:
        low, high = problems["years"]
        first, last = problems["span"]
        lines.append(t("filters.link_notice.years", lang, years=str(low) if low == high else f"{low}–{high}",
                       first=first, last=last))
    if problems["unreadable"]:
        names = {"from": "filters.years", "to": "filters.years", "as_of": "filters.as_of"}
        items = "; ".join(f"{label(names.get(key, key))} {plain(raw)}" for key, raw in problems["unreadable"].items())
        lines.append(t("filters.link_notice.unreadable", lang, items=items))
    if lines:
        sb.caption(":material/link_off: " + " ".join(lines))


def _seed_filters(seed: ViewState, options: dict[str, list], span: tuple[int, int] | None) -> None:
    """Put the URL's filters into the widgets' session state (first run of a session)."""
    state = st.session_state
    problems = _link_problems(seed, options, span)
    state[K_LINK_NOTICE] = problems if (problems["unknown"] or problems["years"] or problems["unreadable"]) else None
    state[K_INST] = _match(seed.institutions, options["inst"], options["inst_aliases"])
    state[K_REGION] = _match(seed.regions, options["region"])
    from places.countries import normalize_country

    state[K_COUNTRY] = _match(seed.countries, options["country"], resolve=normalize_country)
    state[K_FACULTY] = _match(seed.faculties, options["faculty"])
    state[K_PTYPE] = _match(seed.partner_types, options["ptype"])
    if span is not None:
        low = seed.year_from if seed.year_from is not None else span[0]
        high = seed.year_to if seed.year_to is not None else span[1]
        low, high = max(span[0], min(low, span[1])), min(span[1], max(high, span[0]))
        state[K_YEARS] = (low, high)
    state["_seed_years"] = (seed.year_from, seed.year_to)
    state[K_AS_OF] = seed.as_of or date.today()


def reset_filters() -> None:
    """Reset button: every filter back to "all" (language and mode stay)."""
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state["_seed_years"] = (None, None)
    st.session_state["_view_seed"] = ViewState(
        lang=st.session_state.get(K_LANG, DEFAULT_LANG),
        present=bool(st.session_state.get(K_PRESENT, False)),
    )
    st.session_state.pop(K_SEEDED, None)
    st.session_state.pop(K_LINK_NOTICE, None)
    st.session_state["_seed_unreadable"] = {}


def _prune(key: str, options: list[str]) -> None:
    """Drop selected values that are no longer options (e.g. the dataset changed)."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


# --------------------------------------------------------------- the sidebar


def render_sidebar(lang: str, present: bool) -> PageContext:
    """Draw the filters, mirror them in the URL and return the page context."""
    try:
        dataset, path, stamp = cached.current_dataset()
    except Exception as exc:  # noqa: BLE001 - an unreadable dataset must not show a traceback
        dataset, path, stamp = None, str(cached.dataset_path()), ()
        st.session_state["_load_error"] = str(exc)
    sb = st.sidebar

    if dataset is None or dataset.fatal:
        view = ViewState(lang=lang, present=present)
        _language_widgets(sb, lang)
        ctx = PageContext(lang, present, view, dataset, path, stamp)
        st.session_state[K_CONTEXT] = ctx
        _write_query(view)
        return ctx

    tables = dataset.tables
    institutions = tables["institutions"]
    inst_ids = institutions["institution_id"].astype(str).tolist()
    short = dict(zip(inst_ids, institutions["short_name"].fillna(institutions["name"]).astype(str), strict=True))
    countries, faculties, span = _filter_options(path, stamp)
    options = {
        "inst": inst_ids,
        "inst_aliases": {name: iid for iid, name in short.items()},
        "region": _regions(countries),
        "country": countries,
        "faculty": faculties,
        "ptype": list(PARTNER_TYPES),
    }
    if not st.session_state.get(K_SEEDED):
        _seed_filters(_seed(), options, span)
        st.session_state[K_SEEDED] = True
    for key, opts in ((K_INST, options["inst"]), (K_REGION, options["region"]),
                      (K_COUNTRY, options["country"]), (K_FACULTY, options["faculty"]),
                      (K_PTYPE, options["ptype"])):
        _prune(key, opts)

    # Presentation mode hides the filter widgets but keeps their values (and the URL).
    draw = not present
    if present:
        _keep_hidden_filters()
    else:
        sb.header(t("filters.title", lang), divider="gray")
        _link_notice(sb, lang)
    inst = _filter(
        draw, sb.multiselect, K_INST, t("filters.institution", lang), options["inst"],
        format_func=lambda iid: short.get(iid, iid), placeholder=t("filters.all", lang),
    )
    year_from = year_to = None
    if span is not None and span[0] < span[1]:
        st.session_state[K_YEARS] = _years_for_span(st.session_state.get(K_YEARS),
                                                    st.session_state.get(K_SPAN), span)
        st.session_state[K_SPAN] = span
        years = _filter(draw, sb.slider, K_YEARS, t("filters.years", lang), span[0], span[1], step=1)
        if tuple(years) != tuple(span):
            year_from, year_to = int(years[0]), int(years[1])
        else:
            # The full range means "all years" (undated visits stay in), unless the
            # link asked for explicit years beyond the data.
            year_from, year_to = st.session_state.get("_seed_years", (None, None))
            if year_from is not None and year_from > span[0]:
                year_from = None
            if year_to is not None and year_to < span[1]:
                year_to = None
    else:
        st.session_state[K_SPAN] = span
    regions = _filter(
        draw, sb.multiselect, K_REGION, t("filters.region", lang), options["region"],
        format_func=lambda r: t(metrics.region_label_key(r), lang), placeholder=t("filters.all", lang),
    )
    countries_sel = _filter(
        draw, sb.multiselect, K_COUNTRY, t("filters.country", lang), options["country"],
        format_func=lambda code: country_label(code, lang) or code, placeholder=t("filters.all", lang),
    )
    faculties = _filter(
        draw, sb.multiselect, K_FACULTY, t("filters.faculty", lang), options["faculty"],
        placeholder=t("filters.all", lang),
    )
    ptypes = _filter(
        draw, sb.multiselect, K_PTYPE, t("filters.partner_type", lang), options["ptype"],
        format_func=lambda v: t(f"enum.partner_type.{v}", lang), placeholder=t("filters.all", lang),
    )
    as_of = _filter(draw, sb.date_input, K_AS_OF, t("filters.as_of", lang), help=t("filters.as_of_help", lang),
                    format="YYYY-MM-DD")
    if draw:
        sb.button(t("filters.reset", lang), on_click=reset_filters, icon=":material/restart_alt:", width="stretch",
                  key="reset_filters")
    _language_widgets(sb, lang)

    view = ViewState(
        institutions=tuple(inst),
        year_from=year_from,
        year_to=year_to,
        regions=tuple(regions),
        countries=tuple(countries_sel),
        faculties=tuple(faculties),
        partner_types=tuple(ptypes),
        as_of=None if as_of in (None, date.today()) else as_of,
        lang=lang,
        present=present,
    )
    scope = metrics.Scope(**to_scope_kwargs(view))
    if draw:
        _dating_note(sb, cached.dating_summary(path, stamp, scope), span, lang)
    if (shown := version_shown(path)) is not None:  # the store, not COOP_DATA, is shown
        sb.caption(":material/database: " + t("filters.store_shown", lang, number=shown))
    _write_query(view)
    ctx = PageContext(lang, present, view, dataset, path, stamp, scope, short, span)
    st.session_state[K_CONTEXT] = ctx
    return ctx


def _years_for_span(selected, old_span, span: tuple[int, int]) -> tuple[int, int]:
    """The slider's range once the data spans ``span``.

    A range that covered the whole old span (the user never narrowed it) keeps meaning
    "all years" and grows with the data; a narrowed one is kept, clipped to the new span.
    """
    if selected is None or old_span is None or tuple(selected) == tuple(old_span):
        return span if selected is None or old_span is not None else _clip(selected, span)
    return _clip(selected, span)


def _clip(selected, span: tuple[int, int]) -> tuple[int, int]:
    low, high = selected
    return max(span[0], min(low, span[1])), min(span[1], max(high, span[0]))


def _dating_note(sb, dating: dict[str, tuple[int, int]], span: tuple[int, int] | None, lang: str) -> None:
    """Which tables in view are dated, and how many rows are not (undated rows count only
    under all years and are never compared year on year)."""
    parts = [t("filters.dating.table", lang, table=t(f"common.table.{name}", lang), dated=dated, rows=rows)
             for name, (dated, rows) in dating.items() if rows]
    if not parts:
        return
    text = t("filters.dating.lead", lang, items="; ".join(parts))
    if span is not None and any(dated for dated, _ in dating.values()):
        text += " " + t("filters.dating.span", lang, first=span[0], last=span[1]) if span[0] != span[1] else (
            " " + t("filters.dating.one_year", lang, year=span[0]))
    sb.caption(":material/event: " + text)


def _filter(draw: bool, widget, key: str, *args, **kwargs):
    """The filter's value: from its widget, or (presentation mode) from the kept state."""
    if draw:
        return widget(*args, key=key, **kwargs)
    return st.session_state.get(key, [] if widget.__name__ == "multiselect" else None)


def _keep_hidden_filters() -> None:
    # Streamlit drops a keyed widget's state after a run that did not draw it; stored
    # again as plain state, the filters survive presentation mode and come back after.
    for key in FILTER_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _language_widgets(sb, lang: str) -> None:
    sb.divider()
    sb.selectbox(
        t("filters.language", lang), list(LANGUAGES), key=K_LANG,
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
    )
    sb.toggle(t("filters.present", lang), key=K_PRESENT, help=t("filters.present_help", lang))


def _write_query(view: ViewState) -> None:
    """Rewrite the URL's query string from the view (only when it changed)."""
    wanted = to_query(view)
    current = {key: st.query_params.get_all(key) for key in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def ensure_navigation() -> None:
    """Rerun through ``dashboard.py`` when Streamlit ran a page file on its own.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder: until the first
    ``st.navigation`` call in the server process, a URL such as ``/partners`` runs
    ``pages/partners.py`` directly (no page config, no shared sidebar). Switching that
    flag off and rerunning sends the same URL through ``dashboard.py``.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - internal module moved
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_context() -> PageContext:
    """The context ``dashboard.py`` computed for this run."""
    ensure_navigation()
    ctx = st.session_state.get(K_CONTEXT)
    if ctx is None:  # a page run on its own (should not happen under st.navigation)
        lang, present = current_language()
        ctx = render_sidebar(lang, present)
    return ctx
