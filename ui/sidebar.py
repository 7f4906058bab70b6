"""The shared sidebar: language, presentation mode and the filters, mirrored in the URL.

The widgets live in ``dashboard.py``'s run (the entry script runs on every page), so
their values persist across pages; on the first run of a session they are seeded from
the query string (``ui.state.reconcile`` fits the link to the dataset), and after every
run the query string is rewritten from them, so a link reproduces the view. What each
filter offers comes from ``metrics.options``; this module only draws.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

import metrics
from datastore import StoreUnavailable, version_shown
from i18n import DEFAULT_LANG, LANGUAGE_NAMES, LANGUAGES, fmt, t
from loaders.schema import PARTNER_TYPES
from metrics.options import FilterOptions, filter_options
from metrics.scope import AS_OF_MAX, AS_OF_MIN
from ui import loading
from ui.context import PageContext
from ui.state import (
    AS_OF_RANGE,
    YEARS_REVERSED,
    LinkProblems,
    ViewState,
    parse_query,
    reconcile,
    scope_years,
    to_query,
    to_scope_kwargs,
    unreadable,
    years_for_span,
)
from ui.text import plain

K_LANG, K_PRESENT = "ui_lang", "ui_present"
K_INST, K_YEARS, K_REGION, K_COUNTRY = "f_inst", "f_years", "f_region", "f_country"
K_FACULTY, K_PTYPE, K_AS_OF = "f_faculty", "f_ptype", "f_as_of"
K_SEEDED = "_view_seeded"
K_CONTEXT = "_page_context"
K_LINK_NOTICE = "_link_notice"
K_SPAN = "_years_span"  # the data's year span the slider was last drawn for
FILTER_KEYS = (K_INST, K_YEARS, K_REGION, K_COUNTRY, K_FACULTY, K_PTYPE, K_AS_OF)


# --------------------------------------------------------------- language and mode


def _seed() -> ViewState:
    """The view the URL asked for when this session started."""
    if "_view_seed" not in st.session_state:
        st.session_state["_view_seed"] = parse_query(st.query_params)
        st.session_state["_seed_unreadable"] = unreadable(st.query_params)
    return st.session_state["_view_seed"]


def current_language() -> tuple[str, bool]:
    """(lang, presenting) before the widgets draw (navigation titles need the language)."""
    seed = _seed()
    if K_LANG not in st.session_state:
        st.session_state[K_LANG] = seed.lang
    if K_PRESENT not in st.session_state:
        st.session_state[K_PRESENT] = seed.presenting
    lang = st.session_state[K_LANG]
    return (lang if lang in LANGUAGES else DEFAULT_LANG), bool(st.session_state[K_PRESENT])


def reset_filters() -> None:
    """Reset button: every filter back to "all" (language and mode stay)."""
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)
    st.session_state["_seed_years"] = (None, None)
    st.session_state["_view_seed"] = ViewState(
        lang=st.session_state.get(K_LANG, DEFAULT_LANG),
        presenting=bool(st.session_state.get(K_PRESENT, False)),
    )
    st.session_state.pop(K_SEEDED, None)
    st.session_state.pop(K_LINK_NOTICE, None)
    st.session_state["_seed_unreadable"] = {}


def _prune(key: str, options: list[str]) -> None:
    """Drop selected values that are no longer options (e.g. the dataset changed)."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


# --------------------------------------------------------------- the options and the shared link


@st.cache_data(show_spinner=False, max_entries=4)
def _filter_options(path: str, stamp: tuple) -> FilterOptions:
    """``metrics.options.filter_options`` of the dataset, once per dataset version."""
    return filter_options(loading.load_cached(path, stamp).tables, PARTNER_TYPES)


def _link_notice(sb, lang: str) -> None:
    """A quiet caption: what the shared link asked for that this view could not keep."""
    problems: LinkProblems | None = st.session_state.get(K_LINK_NOTICE)
    if not problems:
        return

    def label(key: str) -> str:
        text = t(key, lang)
        return text[:1].lower() + text[1:]

    lines = []
    if problems.unknown:
        # the values come from the link: shown as text (ui.text), never as markdown
        items = "; ".join(f"{label(key)} {plain(value)}" for key, value in problems.unknown)
        lines.append(t("filters.link_notice.unknown", lang, items=items))
    if problems.years is not None:
        low, high = problems.years
        first, last = problems.span
        lines.append(t("filters.link_notice.years", lang, years=str(low) if low == high else f"{low}–{high}",
                       first=first, last=last))
    unread = dict(problems.unreadable)
    out_of_range = unread.pop(AS_OF_RANGE, None)
    if unread:
        names = {"from": "filters.years", "to": "filters.years", "as_of": "filters.as_of",
                 YEARS_REVERSED: "filters.years"}
        items = "; ".join(f"{label(names.get(key, key))} {plain(raw)}" for key, raw in unread.items())
        lines.append(t("filters.link_notice.unreadable", lang, items=items))
    if out_of_range is not None:
        lines.append(t("filters.link_notice.as_of_range", lang, date=out_of_range,
                       first=fmt.date_text(AS_OF_MIN, lang), last=fmt.date_text(AS_OF_MAX, lang)))
    if lines:
        sb.caption(":material/link_off: " + " ".join(lines))


def _seed_filters(seed: ViewState, options: FilterOptions) -> None:
    """Put the URL's filters, fitted to the dataset, into the widgets' state (first run of a session)."""
    state = st.session_state
    seeded = reconcile(seed, options, state.get("_seed_unreadable", {}))
    state[K_LINK_NOTICE] = seeded.problems or None
    state[K_INST] = seeded.institutions
    state[K_REGION] = seeded.regions
    state[K_COUNTRY] = seeded.countries
    state[K_FACULTY] = seeded.faculties
    state[K_PTYPE] = seeded.partner_types
    if seeded.years is not None:
        state[K_YEARS] = seeded.years
    state["_seed_years"] = seeded.asked_years
    state[K_AS_OF] = seeded.as_of


# --------------------------------------------------------------- the widgets, one per filter
# Each returns the filter's value: from its widget, or (``draw`` False: presentation mode)
# from the kept state, so a hidden filter still narrows the view.


def _multiselect(sb, draw: bool, key: str, label_key: str, options: list[str], lang: str,
                 format_func=str) -> list[str]:
    if not draw:
        return list(st.session_state.get(key, []))
    return sb.multiselect(t(label_key, lang), options, key=key, format_func=format_func,
                          placeholder=t("filters.all", lang))


def institution_filter(sb, draw: bool, options: FilterOptions, lang: str) -> list[str]:
    names = options.names_in(lang)  # the institutions' names in the language, where the data has them
    return _multiselect(sb, draw, K_INST, "filters.institution", options.institutions, lang,
                        format_func=lambda iid: names.get(iid, iid))


def years_filter(sb, draw: bool, span: tuple[int, int] | None, lang: str) -> tuple[int | None, int | None]:
    """(year_from, year_to) of the scope; a slider only when the data spans several years."""
    state = st.session_state
    if span is None or span[0] >= span[1]:
        state[K_SPAN] = span
        return None, None
    state[K_YEARS] = years_for_span(state.get(K_YEARS), state.get(K_SPAN), span)
    state[K_SPAN] = span
    years = (sb.slider(t("filters.years", lang), span[0], span[1], step=1, key=K_YEARS) if draw
             else state.get(K_YEARS))
    return scope_years(years, span, state.get("_seed_years", (None, None)))


def region_filter(sb, draw: bool, options: FilterOptions, lang: str) -> list[str]:
    return _multiselect(sb, draw, K_REGION, "filters.region", options.regions, lang,
                        format_func=lambda r: t(metrics.region_label_key(r), lang))


def country_filter(sb, draw: bool, options: FilterOptions, lang: str) -> list[str]:
    return _multiselect(sb, draw, K_COUNTRY, "filters.country", options.countries, lang,
                        format_func=lambda code: fmt.country(code, lang))


def faculty_filter(sb, draw: bool, options: FilterOptions, lang: str) -> list[str]:
    return _multiselect(sb, draw, K_FACULTY, "filters.faculty", options.faculties, lang)


def partner_type_filter(sb, draw: bool, options: FilterOptions, lang: str) -> list[str]:
    return _multiselect(sb, draw, K_PTYPE, "filters.partner_type", options.partner_types, lang,
                        format_func=lambda v: t(f"enum.partner_type.{v}", lang))


def as_of_filter(sb, draw: bool, lang: str) -> date | None:
    if not draw:
        return st.session_state.get(K_AS_OF)
    return sb.date_input(t("filters.as_of", lang), key=K_AS_OF, help=t("filters.as_of_help", lang),
                         format="YYYY-MM-DD")


# --------------------------------------------------------------- the sidebar


def render_sidebar(lang: str, presenting: bool) -> PageContext:
    """Draw the filters, mirror them in the URL and return the page context."""
    load_error = None
    try:
        dataset, path, stamp = loading.current_dataset()
    except StoreUnavailable as exc:  # and no earlier version to show: the message alone
        dataset, path, stamp = None, "", ()
        load_error = (t(f"filters.store_unavailable.{exc.kind}", lang) + " "
                      + t("filters.store_no_copy", lang))
    except Exception as exc:  # noqa: BLE001 - an unreadable dataset must not show a traceback
        try:
            path = str(loading.dataset_path())
        except Exception:  # noqa: BLE001 - the same failure again
            path = ""
        dataset, stamp = None, ()
        st.session_state["_load_error"] = str(exc)
    if (notice := loading.store_notice()) is not None:  # an older version, said on every page
        kind, number = notice
        st.warning(t(f"filters.store_unavailable.{kind}", lang) + " "
                   + t("filters.store_fallback", lang, number=number), icon=":material/database:")
    sb = st.sidebar

    if dataset is None or dataset.fatal:
        view = ViewState(lang=lang, presenting=presenting)
        _language_widgets(sb, lang)
        ctx = PageContext(lang, presenting, view, dataset, path, stamp, load_error=load_error)
        st.session_state[K_CONTEXT] = ctx
        _write_query(view)
        return ctx

    options = _filter_options(path, stamp)
    if not st.session_state.get(K_SEEDED):
        _seed_filters(_seed(), options)
        st.session_state[K_SEEDED] = True
    for key, opts in ((K_INST, options.institutions), (K_REGION, options.regions),
                      (K_COUNTRY, options.countries), (K_FACULTY, options.faculties),
                      (K_PTYPE, options.partner_types)):
        _prune(key, opts)

    # Presentation mode hides the filter widgets but keeps their values (and the URL).
    draw = not presenting
    if presenting:
        _keep_hidden_filters()
    else:
        sb.header(t("filters.title", lang), divider="gray")
        _link_notice(sb, lang)
    inst = institution_filter(sb, draw, options, lang)
    year_from, year_to = years_filter(sb, draw, options.span, lang)
    regions = region_filter(sb, draw, options, lang)
    countries = country_filter(sb, draw, options, lang)
    faculties = faculty_filter(sb, draw, options, lang)
    ptypes = partner_type_filter(sb, draw, options, lang)
    as_of = as_of_filter(sb, draw, lang)
    if draw:
        sb.button(t("filters.reset", lang), on_click=reset_filters, icon=":material/restart_alt:", width="stretch",
                  key="reset_filters")
    _language_widgets(sb, lang)

    view = ViewState(
        institutions=tuple(inst),
        year_from=year_from,
        year_to=year_to,
        regions=tuple(regions),
        countries=tuple(countries),
        faculties=tuple(faculties),
        partner_types=tuple(ptypes),
        as_of=None if as_of in (None, date.today()) else as_of,
        lang=lang,
        presenting=presenting,
    )
    scope = metrics.Scope(**to_scope_kwargs(view))
    ctx = PageContext(lang, presenting, view, dataset, path, stamp, scope, dict(options.names_in(lang)),
                      options.span, institution_full=dict(options.full_names_in(lang)))
    if draw:
        # Keyed on the scope without its years (``PageContext.dating_summary``): a new
        # year range reuses the last count, here and on the Overview page.
        _dating_note(sb, ctx.dating_summary(), options.span, lang)
        if (shown := version_shown(ctx.path)) is not None:  # the store, not COOP_DATA, is shown
            sb.caption(":material/database: " + t("filters.store_shown", lang, number=shown))
    _write_query(view)
    st.session_state[K_CONTEXT] = ctx
    return ctx


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


def page_context() -> PageContext:
    """The context ``dashboard.py`` computed for this run."""
    ctx = st.session_state.get(K_CONTEXT)
    if ctx is None:  # a page file run on its own (e.g. ``AppTest.from_file("views/x.py")``)
        lang, presenting = current_language()
        ctx = render_sidebar(lang, presenting)
    return ctx
