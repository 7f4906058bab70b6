"""Compacted tables (loaders.memory.compact_tables): the visits' codes as categoricals,
the same values and the same figures as the plain tables (issue 17, memory at 1M visits)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import metrics
from loaders import cache as loader_cache
from loaders import load_dataset
from loaders.memory import compact_tables
from metrics.scope import scope_index, scoped_partner_links
from report import build_report

REPO = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).resolve().parent / "data" / "good"
AS_OF = date(2025, 6, 30)


def _visits() -> pd.DataFrame:
    return pd.DataFrame({
        "visit_id": pd.Series(["v1", "v2", "v3"], dtype="str"),
        "institution_id": pd.Series(["sam", "adm", "sam"], dtype="str"),
        "partner_id": pd.Series(["kr1", None, "kr1"], dtype="str"),
        "country": pd.Series(["KOR", "DEU", None], dtype="str"),
        "person": pd.Series(["A. Kim", None, "A. Kim"], dtype="str"),
        "direction": pd.Series(["outgoing", "incoming", "incoming"], dtype="str"),
        "mode": pd.Series([None, "remote", "remote"], dtype="str"),
        "start_date_precision": pd.Series(["month", None, "day"], dtype=object),
    })


def test_compact_tables_makes_codes_categorical_with_sorted_categories():
    visits = _visits()
    agreements = pd.DataFrame({"country": pd.Series(["KOR"], dtype="str")})
    out = compact_tables({"visits": visits, "agreements": agreements})
    compact = out["visits"]
    assert out["agreements"] is agreements  # only the visits table
    assert list(compact.columns) == list(visits.columns)
    for column in ("visit_id", "partner_id", "country", "person"):
        assert compact[column].dtype == "str"  # the key, partner, country and person stay text
    assert list(compact["institution_id"].cat.categories) == ["adm", "sam"]
    assert list(compact["direction"].cat.categories) == ["incoming", "outgoing"]
    # every allowed word is a category (a default can be filled in), sorted
    assert list(compact["mode"].cat.categories) == ["in_person", "remote"]
    assert compact["mode"].fillna("in_person").tolist() == ["in_person", "remote", "remote"]
    assert compact["start_date_precision"].tolist() == ["month", None, "day"]  # left as it was
    assert compact["institution_id"].tolist() == ["sam", "adm", "sam"]
    assert compact["institution_id"].isin({"adm"}).tolist() == [False, True, False]
    assert (compact["direction"] == "incoming").tolist() == [False, True, True]
    assert visits["country"].dtype == "str"  # the input is left as it was


def test_compact_tables_is_idempotent_and_keeps_missing_tables_out():
    once = compact_tables({"visits": _visits()})
    again = compact_tables(once)
    pd.testing.assert_frame_equal(again["visits"], once["visits"])
    assert compact_tables({}) == {}


def test_compacted_cache_entry_is_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(GOOD, folder)
    plain = load_dataset(folder, cache=True)
    compact = load_dataset(folder, cache=True, compact=True)
    assert loader_cache.entry_path(folder).exists()
    assert loader_cache.entry_path(folder, compact=True).exists()
    again = load_dataset(folder, cache=True, compact=True)
    assert isinstance(again.tables["visits"]["direction"].dtype, pd.CategoricalDtype)
    assert plain.tables["visits"]["direction"].dtype == "str"
    for name, frame in plain.tables.items():
        pd.testing.assert_frame_equal(compact.tables[name], frame, check_dtype=False,
                                      check_categorical=False)
        pd.testing.assert_frame_equal(again.tables[name], compact.tables[name])
    assert again.problems == plain.problems
    loader_cache.clear_cache(folder)
    assert not loader_cache.entry_path(folder).exists()
    assert not loader_cache.entry_path(folder, compact=True).exists()


SCOPES = [
    {},
    {"year_from": 2024, "year_to": 2024},
    {"institutions": {"samsmu"}},
    {"countries": {"KOR", "DEU", "RUS"}},
    {"regions": {"Europe"}, "year_from": 2023},
    {"partner_types": {"university"}},
    {"faculties": {"Medicine"}},
]


@pytest.mark.parametrize("folder", [REPO / "data", GOOD], ids=["curated", "good"])
def test_compacted_tables_give_the_same_report(folder):
    plain = load_dataset(folder)
    compact = dataclasses.replace(plain, tables=compact_tables(plain.tables))
    assert isinstance(compact.tables["visits"]["institution_id"].dtype, pd.CategoricalDtype)
    for params in SCOPES:
        scope = metrics.Scope(as_of=AS_OF, **params)
        assert build_report(compact, scope) == build_report(plain, scope), params
        if not params:
            assert build_report(compact, scope, public=True, lang="ru") == build_report(
                plain, scope, public=True, lang="ru")
        ids = metrics.all_institutions(plain.tables)
        assert metrics.by_institution(compact.tables, scope) == metrics.by_institution(plain.tables, scope)
        for name in metrics.KPI_BY_NAME:
            left = metrics.evidence_frame(compact.tables, scope, name)
            right = metrics.evidence_frame(plain.tables, scope, name)
            pd.testing.assert_frame_equal(left, right, check_dtype=False, check_categorical=False)
        assert ids


@pytest.mark.parametrize("compact", [False, True], ids=["plain", "compacted"])
def test_scope_index_gives_the_general_frames_and_links(compact):
    tables = load_dataset(REPO / "data").tables
    tables = compact_tables(tables) if compact else tables
    cache = metrics.DatasetCache(tables)
    for params in ({}, {"year_from": 2024, "year_to": 2024}, {"institutions": {"samsmu"}}):
        scope = metrics.Scope(as_of=AS_OF, **params)
        fast = metrics.apply_scope(tables, scope, cache)
        slow = metrics.apply_scope(tables, scope)
        for name, frame in slow.items():
            pd.testing.assert_frame_equal(fast[name], frame)
        links = scope_index(tables, cache).partner_links(fast, scope)
        assert links is not None
        pd.testing.assert_frame_equal(links, scoped_partner_links(fast, tables["partners"], scope))
