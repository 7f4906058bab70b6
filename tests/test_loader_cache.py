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


@pytest.fixture()
def parses(monkeypatch) -> list:
    """The paths the real loader parsed (loaders.validate.load_dataset): a cache hit adds none."""
    from loaders import validate

    calls: list = []
    real = validate.load_dataset

    def counting(path):
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(validate, "load_dataset", counting)
    monkeypatch.setattr(loader_cache, "load_dataset", counting)  # the cache's own reference
    return calls


def test_cached_load_equals_plain_load(dataset, parses):
    plain = load_dataset(dataset)
    assert parses == [dataset]
    first = load_dataset(dataset, cache=True)
    assert parses == [dataset, dataset]  # nothing cached yet: parsed
    assert loader_cache.entry_path(dataset).exists()
    again = load_dataset(dataset, cache=True)
    assert parses == [dataset, dataset]  # read from the cache, not parsed again
    for name, frame in plain.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], frame)
        pd.testing.assert_frame_equal(first.tables[name], frame)
    assert again.problems == plain.problems
    assert again.fatal is None


def test_changed_file_rebuilds_the_entry(dataset, parses):
    before = load_dataset(dataset, cache=True)
    load_dataset(dataset, cache=True)
    assert len(parses) == 1
    visits = dataset / "visits.csv"
    lines = visits.read_text(encoding="utf-8").splitlines(keepends=True)
    visits.write_text("".join(lines[:-1]), encoding="utf-8")  # one visit fewer
    stat = visits.stat()
    os.utime(visits, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = load_dataset(dataset, cache=True)
    assert len(parses) == 2  # the change was seen: parsed again
    assert len(after.tables["visits"]) == len(before.tables["visits"]) - 1
    load_dataset(dataset, cache=True)
    assert len(parses) == 2  # and the new entry is used


def test_a_damaged_entry_is_parsed_again(dataset, parses):
    load_dataset(dataset, cache=True)
    loader_cache.entry_path(dataset).write_bytes(b"not a pickle")
    again = load_dataset(dataset, cache=True)
    assert len(parses) == 2 and again.fatal is None
    assert len(again.tables["visits"]) == len(load_dataset(dataset, cache=True).tables["visits"])
    assert len(parses) == 2


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_fatal_dataset_is_not_cached(tmp_path, monkeypatch, parses, kind):
    monkeypatch.setenv("COOP_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / kind
    if kind == "empty":
        folder.mkdir()  # a folder without the required files: fatal
    assert load_dataset(folder, cache=True).fatal
    assert not loader_cache.entry_path(folder).exists()
    assert load_dataset(folder, cache=True).fatal
    assert parses == [folder, folder]  # parsed each time, never served from the cache
