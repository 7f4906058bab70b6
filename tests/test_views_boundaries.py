"""What the page files (views/) may not do: reach ui.loading, redeclare a vocabulary, use private API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from loaders import schema

ROOT = Path(__file__).resolve().parent.parent
VIEWS = sorted((ROOT / "views").glob("*.py"))
VOCABULARIES = {
    "PARTNER_TYPES": schema.PARTNER_TYPES, "AGREEMENT_KINDS": schema.AGREEMENT_KINDS,
    "AGREEMENT_STATUSES": schema.AGREEMENT_STATUSES, "DIRECTIONS": schema.DIRECTIONS,
    "MODES": schema.MODES, "ACTIVITIES": schema.ACTIVITIES, "GRANT_STATUSES": schema.GRANT_STATUSES,
    "STUDENT_LEVELS": schema.STUDENT_LEVELS, "KPI_NAMES": schema.KPI_NAMES,
    "GEO_PRECISIONS": schema.GEO_PRECISIONS,
}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, ``from a import b`` also as ``a.b``."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{alias.name}" for alias in node.names}
    return out


def test_the_page_files_are_found():
    assert {p.stem for p in VIEWS} >= {"overview", "partners", "mobility", "grants", "agreements",
                                       "students", "research", "quality", "export", "data"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: p.name)
def test_no_page_imports_ui_data(path):
    assert not {name for name in _imports(path) if name == "ui.loading" or name.startswith("ui.loading.")}


def _word_lists(path: Path) -> list[tuple[int, frozenset[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and len(node.elts) >= 2 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            found.append((node.lineno, frozenset(e.value for e in node.elts)))
    return found


@pytest.mark.parametrize("path", [*VIEWS, ROOT / "ui" / "sidebar.py", ROOT / "report" / "__main__.py",
                                  ROOT / "report" / "model.py"], ids=lambda p: p.name)
def test_no_vocabulary_is_written_again(path):
    """A list holding every word of a contract vocabulary is a copy of it (a few: a selection)."""
    copies = [(line, name) for line, words in _word_lists(path)
              for name, vocabulary in VOCABULARIES.items() if words == set(vocabulary)]
    assert copies == []


def test_no_private_navigation_flag():
    for path in [ROOT / "dashboard.py", *VIEWS, *sorted((ROOT / "ui").glob("*.py")),
                 *sorted((ROOT / "bench").glob("*.py"))]:
        assert "PagesManager" not in path.read_text(encoding="utf-8"), path
    # a folder named pages/ beside dashboard.py would switch Streamlit to its legacy mode
    assert not (ROOT / "pages").exists()


def test_the_contract_and_the_registry_list_the_same_kpis():
    """loaders.schema.KPI_NAMES (targets.metric) is the registry's list, in its order."""
    import metrics

    assert schema.KPI_NAMES == metrics.KPI_NAMES
