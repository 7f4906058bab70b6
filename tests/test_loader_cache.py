"""The disk cache of loaded datasets: same result, rebuilt when a file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from loaders import cache as loader_cache
from loaders import load_dataset

GOOD = Path(__file__).resolve().parent / "data" / "good"


@pytest.fixture()
def dataset(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("COOP_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(GOOD, folder)
    return folder


def test_cached_load_equals_plain_load(dataset):
    plain = load_dataset(dataset)
    first = load_dataset(dataset, cache=True)
    assert loader_cache.entry_path(dataset).exists()
    again = load_dataset(dataset, cache=True)
    for name, frame in plain.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame)
        pd.testing.assert_frame_equal(first.tables[name], frame)
    assert again.problems == plain.problems
    assert again.fatal is None


def test_changed_file_rebuilds_the_entry(dataset):
    before = load_dataset(dataset, cache=True)
    visits = dataset / "visits.csv"
    lines = visits.read_text(encoding="utf-8").splitlines(keepends=True)
    visits.write_text("".join(lines[:-1]), encoding="utf-8")  # one visit fewer
    stat = visits.stat()
    os.utime(visits, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = load_dataset(dataset, cache=True)
    assert len(after.tables["visits"]) == len(before.tables["visits"]) - 1


def test_fatal_dataset_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_CACHE", str(tmp_path / "cache"))
    missing = tmp_path / "nowhere"
    assert load_dataset(missing, cache=True).fatal
    assert not loader_cache.entry_path(missing).exists()
