"""Every page speaks the chosen language, and presentation mode hides people's names.

Two kinds of check:
- a static one: no user-facing string literal in views/, ui/, charts/ or dashboard.py
  bypasses ``t()`` (an AST scan of the calls a person reads);
- AppTest runs of every page in Russian and Uzbek on tests/data/dashboard: the title is
  the translated one, and no English text of i18n/en.json is left anywhere on the page
  (every string of every element, the plotly specs, the map's JSON and the table cells).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from app_fixtures import run_dashboard
from google.protobuf.json_format import MessageToDict
from i18n_files import catalog, text
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "dashboard"
PAGES = ["overview", "partners", "mobility", "grants", "agreements", "students", "documents", "quality", "export", "data"]
TITLE_KEYS = {page: f"page.{page}.title" for page in PAGES} | {"data": "data.title"}
# The people of tests/data/dashboard/visits.csv (person, person_title).
PEOPLE = ["Kim Min-jun", "Aziz Karimov", "Anna Weber", "Aigerim Sadykova", "Ivan Petrov",
          "Dilshod Rakhimov", "Nodira Yusupova", "Professor"]


# ------------------------------------------------------------ static: t() everywhere

SCANNED = [ROOT / "dashboard.py", *sorted((ROOT / "views").glob("*.py")),
           *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "charts").glob("*.py"))]
# Streamlit calls whose first argument a person reads.
TEXT_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "metric", "button", "selectbox",
    "multiselect", "info", "warning", "error", "success", "radio", "toggle", "checkbox",
    "text_input", "text_area", "number_input", "download_button", "expander", "segmented_control",
    "slider", "select_slider", "date_input", "toast", "page_link", "file_uploader", "write",
    "form_submit_button", "link_button", "popover", "status", "spinner", "pills", "tabs",
}
# Keyword arguments a person reads (streamlit widgets and plotly figures alike).
TEXT_KEYWORDS = {
    "title", "label", "body", "help", "placeholder", "caption", "xaxis_title", "yaxis_title",
    "legend_title", "legend_title_text", "text", "hovertemplate", "name", "labels",
}
WORD = re.compile(r"[A-Za-zА-Яа-яЁёʻʼ]{3,}")
# Markup, icons and format fields are not words a person reads.
NOT_TEXT = re.compile(r"<[^>]+>|&\w+;|:material/\w+:|%\{[^}]*\}|\{[^}]*\}")
# (file, word) pairs allowed on purpose. Keep it short and say why.
ALLOWED: set[tuple[str, str]] = set()


def literal_words(node: ast.AST) -> list[str]:
    """Words in a literal: a str, the literal parts of an f-string, a dict/list of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return WORD.findall(NOT_TEXT.sub(" ", node.value))
    if isinstance(node, ast.JoinedStr):
        return [word for part in node.values for word in literal_words(part)]
    if isinstance(node, ast.Dict):
        return [word for value in node.values if value is not None for word in literal_words(value)]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [word for elt in node.elts for word in literal_words(elt)]
    if isinstance(node, ast.BinOp):
        return literal_words(node.left) + literal_words(node.right)
    return []


def untranslated_literals(path: Path) -> list[tuple[str, int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        checked = [node.args[0]] if name in TEXT_CALLS and node.args else []
        checked += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        rel = path.relative_to(ROOT).as_posix()
        found += [(rel, node.lineno, word) for arg in checked for word in literal_words(arg)
                  if (rel, word) not in ALLOWED]
    return found


def test_the_scan_catches_a_literal(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'st.title("Partners abroad")\n'
        'st.caption(t("page.x.lead", lang))\n'
        'st.markdown(f"**{n}** visits")\n'
        'st.markdown(f"**{t(\'k\', lang)}**")\n'
        'fig.update_layout(xaxis_title="Year", yaxis_title=t("common.axis.visits", lang))\n'
        'go.Bar(name=label, hovertemplate="%{x}: %{y}<extra></extra>")\n',
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = untranslated_literals(sample)
    finally:
        ROOT = saved
    assert [(line, word) for _, line, word in found] == [(1, "Partners"), (1, "abroad"), (3, "visits"), (5, "Year")]


def test_no_user_facing_literal_bypasses_t():
    found = [hit for path in SCANNED for hit in untranslated_literals(path)]
    assert found == []


# ------------------------------------------------------------ every page, ru and uz


@pytest.fixture(autouse=True)
def dataset_env(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_DATA", str(DATA))
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "no-store"))


def run_page(page: str, **query: str) -> AppTest:
    """dashboard.py with ``query`` in the URL, switched to ``views/<page>.py``."""
    return run_dashboard(None if page == "overview" else page, **query)


# Keys of element protos / chart JSON that hold machine words, not text a person reads.
TECHNICAL_KEYS = {"id", "@@type", "type", "type_config", "continent", "iso_a3", "key", "formId"}


def _strings(value: object) -> list[str]:
    """Every string inside a decoded proto / JSON value (technical keys left out)."""
    if isinstance(value, str):
        out = [value]
        if value[:1] in "{[":  # plotly specs and pydeck JSON are JSON inside the proto
            try:
                out += _strings(json.loads(value))
            except ValueError:
                pass
        return out
    if isinstance(value, dict):
        return [s for key, item in value.items() if key not in TECHNICAL_KEYS for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def fixture_values() -> set[str]:
    """Cell values of the fixture: data may hold English words ("Research" as a theme)."""
    import csv

    cells: set[str] = set()
    for path in DATA.glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                cells.update(cell.strip() for cell in row)
    return cells


def page_texts(at: AppTest) -> list[str]:
    """Every string the page sends to the browser: element protos, charts, table cells."""
    texts: list[str] = []

    def walk(node):
        for child in (node.children.values() if isinstance(getattr(node, "children", None), dict) else []):
            proto = getattr(child, "proto", None)
            if proto is not None:
                texts.extend(_strings(MessageToDict(proto)))
            yield child
            yield from walk(child)

    for _ in walk(at._tree):
        pass
    for frame in at.dataframe:
        df = frame.value
        texts.extend(str(c) for c in df.columns)
        texts.extend(str(v) for col in df.columns for v in df[col].tolist())
    return texts


def english_leftovers(texts: list[str], lang: str) -> list[str]:
    """English strings of en.json (that the language translates differently) found on the page."""
    english, other = catalog("en"), catalog(lang)
    foreign = {
        value for key, value in english.items()
        if "{" not in value and other.get(key) not in (None, value) and WORD.search(value)
        and value not in other.values()
    }
    clean = {re.sub(r":material/\w+:|\*\*", "", s).strip(" :") for s in texts}
    # Table names ("visits") are identifiers: the sheet or file the user opens to fix a row.
    tables = {"institutions", "partners", "agreements", "visits", "grants", "students", "fx_rates", "targets", "documents"}
    return sorted((clean & foreign) - fixture_values() - tables)


@pytest.mark.parametrize("lang", ["ru", "uz"])
@pytest.mark.parametrize("page", PAGES)
def test_page_in_language(page, lang):
    at = run_page(page, lang=lang)
    title = text(TITLE_KEYS[page], lang)
    assert title != text(TITLE_KEYS[page], "en")  # translated, not an English copy
    assert at.title[0].value == title
    sidebar_labels = {w.label for w in at.sidebar.multiselect} | {w.label for w in at.sidebar.selectbox}
    assert {text("filters.language", lang)} <= sidebar_labels
    if page not in ("data",):
        assert {text("filters.institution", lang), text("filters.country", lang)} <= sidebar_labels
    assert english_leftovers(page_texts(at), lang) == []


def test_overview_figures_in_russian():
    at = run_page("overview", lang="ru")
    cards = {m.label: m.value for m in at.metric}
    nbsp = "\u00a0"
    assert cards[text("kpi.partners.label", "ru")] == "6"
    assert cards[text("kpi.remote_share.label", "ru")] == f"40,0{nbsp}%"
    assert cards[text("kpi.grant_funding_usd.label", "ru")] == f"162{nbsp}100{nbsp}$"
    assert cards[text("kpi.international_students.label", "ru")] == "167"


def test_country_and_enum_values_are_translated():
    at = run_page("mobility", lang="uz")
    texts = set(page_texts(at))
    assert {"Janubiy Koreya", "Germaniya"} <= texts  # country names, from the loaders
    assert any(text("enum.direction.incoming", "uz") in s for s in texts)
    assert any(text("enum.mode.remote", "uz") in s for s in texts)


def test_quality_page_shows_problems_translated():
    at = run_page("quality", lang="ru")
    texts = page_texts(at)
    # v9 has direction "sideways": problem.bad_enum with its params, in Russian.
    assert any(s.startswith("«sideways» — недопустимое значение") for s in texts)


def test_language_is_remembered_across_pages():
    at = run_page("overview", lang="uz")
    at.switch_page("views/grants.py").run(timeout=30)
    assert at.title[0].value == text("page.grants.title", "uz")
    assert at.query_params.get("lang") in ("uz", ["uz"])


# ------------------------------------------------------------ presentation mode


def show_people(at: AppTest, page: str) -> AppTest:
    """Open the views that list people: a partner's visits, the timeline by person."""
    if page == "partners":
        at.selectbox(key="partner-detail").select("p-snu").run(timeout=30)  # visits v1, v2
    if page == "mobility" and at.segmented_control:
        at.segmented_control(key="timeline-rows").set_value("person").run(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["partners", "mobility"])
def test_names_are_shown_outside_presentation_mode(page):
    # The check below must be able to fail: without presentation mode the names are there.
    texts = page_texts(show_people(run_page(page, lang="ru"), page))
    assert any("Kim Min-jun" in s for s in texts)


@pytest.mark.parametrize("page", PAGES)
def test_presentation_mode_hides_names(page):
    at = show_people(run_page(page, present="1", lang="ru"), page)
    texts = page_texts(at)
    shown = sorted({person for person in PEOPLE for s in texts if person in s})
    assert shown == []
    # No data-quality notice, no filter widgets: the sidebar keeps only the way out.
    assert not [s for s in texts if s.startswith(":material/warning:")]
    assert not at.sidebar.multiselect
    assert [w.label for w in at.sidebar.toggle] == [text("filters.present", "ru")]


def test_presentation_mode_keeps_the_filters():
    at = run_page("overview", present="1", inst="admi")
    cards = {m.label: m.value for m in at.metric}
    assert cards["Partners"] == "3"  # ADMI alone: p-kazmed, p-pirogov, p-istanbul
