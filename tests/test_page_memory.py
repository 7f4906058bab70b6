"""What a rerun frees: the previous page's namespace (emptied, so its frames go by
reference counting), the full collection only when the resident size grew, and the
panels' longest-text check."""

from __future__ import annotations

import gc
import sys
import weakref

import pandas as pd

from ui import loading
from ui.page import K_NAMESPACE, release_previous_page
from ui.panels import _longest_text


class Frames:
    """Stands for a page's frames (weak-referenceable)."""


def page_namespace(name: str = "__main__") -> tuple[dict, weakref.ref]:
    """A module namespace as ``st.Page.run`` makes one: a function referring back to it
    (the cycle) and a big object only the namespace holds."""
    namespace: dict = {"__name__": name, "Frames": Frames}
    exec("big = Frames()\ndef show():\n    return big\n", namespace)  # noqa: S102
    return namespace, weakref.ref(namespace["big"])


def test_the_previous_page_namespace_is_emptied_and_its_frames_freed_without_a_collection():
    state: dict = {}
    first, big = page_namespace()
    release_previous_page(first, state)
    assert state[K_NAMESPACE] is first and "big" in first  # the running page is kept
    second, _ = page_namespace()
    gc.disable()  # no collection may do it: reference counting alone
    try:
        del first
        release_previous_page(second, state)
        assert big() is None
    finally:
        gc.enable()
    assert state[K_NAMESPACE] is second and "show" in second


def test_the_same_page_a_module_and_the_running_script_are_never_emptied():
    state: dict = {}
    page, _ = page_namespace()
    release_previous_page(page, state)
    release_previous_page(page, state)  # the same run asking twice
    assert "big" in page
    module, _ = page_namespace("ui.something")  # a loaded module calling: never kept nor emptied
    release_previous_page(module, state)
    assert state[K_NAMESPACE] is None and "big" in module
    assert page == {}  # the earlier run's page is
    release_previous_page(module, state)
    assert "big" in module
    running = vars(sys.modules["__main__"])
    state[K_NAMESPACE] = running if running.get("__name__") == "__main__" else None
    other, _ = page_namespace()
    release_previous_page(other, state)
    assert running  # the process's own __main__ is left alone


def test_a_full_collection_runs_only_when_the_resident_size_grew(monkeypatch):
    resident = {"mb": 300.0}
    collected: list[int] = []
    monkeypatch.setattr(loading, "_resident_mb", lambda: resident["mb"])
    monkeypatch.setattr(loading.gc, "collect", lambda *a: collected.append(1) or 0)
    monkeypatch.setattr(loading, "_COLLECTED_AT_MB", [0.0])
    monkeypatch.setattr(loading, "COLLECT_GROWTH_MB", 32)
    monkeypatch.setattr(loading, "TRIM_ABOVE_MB", 1000)
    loading.collect_garbage()  # the first run: collects and sets the bar at 300
    assert len(collected) == 1
    resident["mb"] = 331.0
    loading.collect_garbage()
    assert len(collected) == 1  # 31 MB more: no collection
    resident["mb"] = 290.0
    loading.collect_garbage()  # memory given back: the bar falls to 290
    resident["mb"] = 323.0
    loading.collect_garbage()
    assert len(collected) == 2  # 33 MB past 290
    resident["mb"] = 0.0  # unknown (no /proc): every run
    loading.collect_garbage()
    loading.collect_garbage()
    assert len(collected) == 4


def test_past_the_trim_size_every_run_collects_and_trims(monkeypatch):
    trims: list[int] = []
    import loaders.memory

    monkeypatch.setattr(loaders.memory, "release_free_memory", lambda: trims.append(1))
    monkeypatch.setattr(loading, "_resident_mb", lambda: 1200.0)
    monkeypatch.setattr(loading.gc, "collect", lambda *a: 0)
    monkeypatch.setattr(loading, "_COLLECTED_AT_MB", [1190.0])
    monkeypatch.setattr(loading, "TRIM_ABOVE_MB", 1000)
    loading.collect_garbage()
    loading.collect_garbage()
    assert trims == [1, 1]


def test_longest_text_counts_text_only():
    assert _longest_text(pd.Series(["ab", None, ["x" * 50], 3, "abcd", float("nan")], dtype=object)) == 4
    assert _longest_text(pd.Series([], dtype=object)) == 0
    assert _longest_text(pd.Series([1, 2], dtype=object)) == 0
    assert _longest_text(pd.Series(["é" * 41, pd.NA], dtype="string")) == 41
