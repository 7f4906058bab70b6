"""Measure one dataset in this process: load, every page after a filter change, report, memory.

Run by ``python -m bench`` in a fresh subprocess per size (so the first load is cold and
the peak memory is that size's own)::

    python -m bench.measure bench/.data/synth-10000-s7 --reps 5
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
import warnings
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = REPO_ROOT / "dashboard.py"
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
PAGES = ("overview", "partners", "mobility", "grants", "agreements", "students", "quality", "export")
AS_OF = date(2025, 6, 30)


def _quiet_streamlit() -> None:
    import logging

    warnings.filterwarnings("ignore")
    for name in ("streamlit", "streamlit.runtime", "streamlit.runtime.caching"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def filter_states(span: tuple[int, int], institutions: list[str]):
    """Endless distinct filter states (years, institutions): every rerun sees a new scope."""
    low, high = span
    ranges = [(a, b) for a in range(low, high + 1) for b in range(high, a, -1)]
    subsets = [[]] + [[i] for i in institutions] + [institutions[:2], institutions[1:3]]
    for subset in subsets:
        for years in ranges:
            yield years, subset


def measure_pages(reps: int) -> tuple[dict, float]:
    """Per page: first run after switching to it, then median of ``reps`` filter changes."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(DASHBOARD), default_timeout=600)
    at.query_params["as_of"] = AS_OF.isoformat()
    first = _timed(at.run)
    _check(at, "overview (first run)")
    slider = at.slider(key="f_years")
    span = (int(slider.min), int(slider.max))
    institutions = list(at.multiselect(key="f_inst").options)
    states = filter_states(span, institutions)
    results = {}
    for page in PAGES:
        at.switch_page(f"views/{page}.py")
        switch = _timed(at.run)
        _check(at, page)
        samples = []
        for _ in range(reps):
            years, subset = next(states)
            at.slider(key="f_years").set_value(years)
            at.multiselect(key="f_inst").set_value(subset)
            samples.append(_timed(at.run))
            _check(at, page)
        results[page] = {
            "switch_ms": round(switch * 1000, 1),
            "filter_change_ms": _median_ms(samples),
            "filter_change_max_ms": round(max(samples) * 1000, 1),
        }
    return results, first


def _check(at, where: str) -> None:
    if at.exception:
        raise RuntimeError(f"{where}: {at.exception[0].value}")


def measure_floor(reps: int) -> float:
    """Median rerun of a page with one title and one small plotly chart."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(FLOOR_APP), default_timeout=60)
    at.run()
    return _median_ms([_timed(at.run) for _ in range(reps)])


def measure(path: Path, reps: int) -> dict:
    os.environ["COOP_DATA"] = str(path)
    os.environ["COOP_STORE"] = str(path / ".no-store")  # never a published version
    sys.path.insert(0, str(REPO_ROOT))
    _quiet_streamlit()
    out: dict = {"path": str(path)}

    import pandas as pd

    out["visits_rows"] = sum(1 for _ in open(path / "visits.csv", encoding="utf-8")) - 1
    out["visits_csv_mb"] = round((path / "visits.csv").stat().st_size / 1e6, 1)
    out["floor_read_csv_ms"] = round(_timed(lambda: pd.read_csv(path / "visits.csv")) * 1000, 1)
    gc.collect()

    from ui import loading

    _clear_disk_cache(path)
    out.update(_measure_load(loading, path))
    gc.collect()

    pages, first = measure_pages(reps)
    out["first_page_ms"] = round(first * 1000, 1)
    out["pages"] = pages
    out["floor_page_ms"] = measure_floor(reps)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _measure_load(loading, path: Path) -> dict:
    """Cold, warm (the dashboard's cache hit) and after-restart loads, and the JSON report."""
    import metrics
    from report import build_report

    stamp = loading.files_stamp(path)
    start = time.perf_counter()
    dataset = loading.load_cached(str(path), stamp)
    cold = time.perf_counter() - start
    warm = [_timed(lambda: loading.load_cached(str(path), stamp)) for _ in range(3)]
    loading.load_cached.clear()  # what a restarted server sees: only the disk cache is left
    restart = _timed(lambda: loading.load_cached(str(path), stamp))
    scope = metrics.Scope(as_of=AS_OF)
    report = [_timed(lambda: build_report(dataset, scope)) for _ in range(3)]
    # What the rows take in memory (the app's compact tables), for the memory breakdown.
    tables_mb = {name: round(float(frame.memory_usage(deep=True).sum()) / 2**20, 1)
                 for name, frame in dataset.tables.items()}
    return {
        "tables_mb": tables_mb,
        "cold_load_ms": round(cold * 1000, 1),
        "warm_load_ms": _median_ms(warm),
        "restart_load_ms": round(restart * 1000, 1),
        "problems": len(dataset.problems),
        "report_ms": _median_ms(report),
    }


def _clear_disk_cache(path: Path) -> None:
    """Forget any columnar cache of the dataset, so the first load is cold."""
    try:
        from loaders.cache import clear_cache
    except ImportError:
        return
    clear_cache(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    parser.add_argument("path", type=Path)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args(argv)
    result = measure(args.path.resolve(), args.reps)
    print("BENCH-JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
