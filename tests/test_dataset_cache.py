"""metrics.cache.DatasetCache: one cache per dataset version (issue 27). Its one index is
built once and read by both the scope (ScopeIndex) and the row facts (KpiFacts); two
datasets never share an entry; every map is bounded; a new version never reads the old
one's figures. Figures worked out by hand on tests/tiny_dataset.py (see its comments)."""

from __future__ import annotations

import threading
import time
from datetime import date

from tiny_dataset import AS_OF, tiny_tables

from metrics import DatasetCache, Scope, apply_scope
from metrics.engine import compute_kpis_with_path
from metrics.scope import scope_index


def test_the_index_is_built_once_and_read_by_the_scope_and_the_facts():
    data = tiny_tables()
    cache = DatasetCache(data)
    sam = Scope(as_of=AS_OF, institutions={"sam"})
    korea = Scope(as_of=AS_OF, countries={"KOR"})
    # the scope's rows from the index's masks, then the facts over scoped frames
    assert compute_kpis_with_path(data, sam, None, cache)[2] == "indexed"
    assert compute_kpis_with_path(data, korea, apply_scope(data, korea, cache), cache)[2] == "facts"
    apply_scope(data, Scope(as_of=AS_OF, year_from=2025), cache)
    assert cache.builds["index"] == 1
    assert cache.builds["facts"] == 1
    facts = cache.facts[AS_OF]
    assert facts.cache is cache
    assert scope_index(data, cache).index is cache.index
    # the partner-link table is the index's own arrays, not a second build
    assert facts.link_row is cache.index.link_row
    assert facts.link_source is cache.index.link_source
    assert facts.link_partner is cache.index.link_partner


def test_two_datasets_never_share_an_entry():
    first, second = tiny_tables(), tiny_tables()
    second["visits"] = second["visits"][second["visits"]["visit_id"] != "v8"]
    first_cache, second_cache = DatasetCache(first), DatasetCache(second)
    scope = Scope(as_of=AS_OF)
    # incoming: v1 v2 v4 v5 v7 v8 -> 6; without v8, 5. Dormant: a2 (sam-p2); without v8
    # adm-p2 has no activity left, so a7 too.
    values, _, ran = compute_kpis_with_path(first, scope, None, first_cache)
    assert (values["visits_incoming"], values["agreements_dormant"], ran) == (6, 1, "indexed")
    values, _, ran = compute_kpis_with_path(second, scope, None, second_cache)
    assert (values["visits_incoming"], values["agreements_dormant"], ran) == (5, 2, "indexed")
    assert first_cache.facts[AS_OF] is not second_cache.facts[AS_OF]
    assert first_cache.index is not second_cache.index
    assert first_cache.busy_pairs[AS_OF] != second_cache.busy_pairs[AS_OF]


def test_a_new_version_with_the_old_cache_is_computed_afresh():
    """Frames of a new version handed with the previous version's cache: the cache does not
    answer (other frames), the figures are the new version's, the general way."""
    old = tiny_tables()
    cache = DatasetCache(old)
    scope = Scope(as_of=AS_OF)
    assert compute_kpis_with_path(old, scope, None, cache)[0]["visits_incoming"] == 6
    new = {**old, "visits": old["visits"][old["visits"]["visit_id"] != "v8"]}
    values, _, ran = compute_kpis_with_path(new, scope, None, cache)
    assert (values["visits_incoming"], values["agreements_dormant"], ran) == (5, 2, "general")
    assert list(cache.facts) == [AS_OF] and cache.builds["facts"] == 1  # nothing built from the new frames
    assert not cache.matches(new)


def test_every_map_is_bounded_least_recently_used_first():
    data = tiny_tables()
    cache = DatasetCache(data, as_of_days=2, scopes=2)
    days = [date(2025, 6, 30), date(2025, 3, 31), date(2024, 12, 31)]
    compute_kpis_with_path(data, Scope(as_of=days[0]), None, cache)
    compute_kpis_with_path(data, Scope(as_of=days[1]), None, cache)
    compute_kpis_with_path(data, Scope(as_of=days[0]), None, cache)  # used again: the most recent
    compute_kpis_with_path(data, Scope(as_of=days[2]), None, cache)
    assert sorted(cache.facts) == [days[2], days[0]]  # days[1] was the least recently used
    assert cache.builds["facts"] == 3
    for year in (2022, 2023, 2024):
        apply_scope(data, Scope(as_of=AS_OF, year_from=year, year_to=year), cache)
    assert [scope.year_from for scope in cache.scope_links] == [2023, 2024]


def test_a_value_asked_by_many_threads_at_once_is_built_once():
    cache = DatasetCache(tiny_tables())
    built: list[int] = []

    def build() -> object:
        built.append(1)
        time.sleep(0.05)  # long enough for every thread to ask while it is being built
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.single("slow", build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len(got) == 8 and all(value is got[0] for value in got)


def test_the_app_keeps_one_cache_per_dataset_version(monkeypatch):
    """``ui.loading.dataset_cache``: the same cache for the same version, a new one (over
    that version's frames) for a new stamp."""
    from ui import loading

    versions = {("v1",): tiny_tables(), ("v2",): tiny_tables()}

    class Loaded:
        def __init__(self, tables):
            self.tables = tables

    monkeypatch.setattr(loading, "load_cached", lambda path, stamp: Loaded(versions[stamp]))
    loading.dataset_cache.clear()
    try:
        first = loading.dataset_cache("data", ("v1",))
        assert loading.dataset_cache("data", ("v1",)) is first
        second = loading.dataset_cache("data", ("v2",))
        assert second is not first
        assert second.matches(versions[("v2",)]) and not first.matches(versions[("v2",)])
    finally:
        loading.dataset_cache.clear()


def test_a_failed_build_is_not_kept():
    cache = DatasetCache(tiny_tables())

    def fail() -> int:
        raise ValueError("unreadable")

    try:
        cache.single("value", fail)
    except ValueError:
        pass
    else:
        raise AssertionError("the build's error was swallowed")
    assert cache.single("value", lambda: 7) == 7
    assert cache.builds == {"value": 1} and not cache._building
