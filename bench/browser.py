"""What a viewer waits for in Chromium: cold start to the first page, and each sidebar click.

    python -m bench.browser [--data data] [--visits 10000] [--rounds 3]

For each dataset (the curated ``data/`` and a synthetic one): Chromium is started first,
then the server (``bench.live.serve``); *cold start* is the time from launching the
server to the overview drawn and idle. Then every page of the sidebar is clicked in menu
order, ``rounds`` times; a click is timed until the new page's title is drawn and the
page is idle (no running indicator, no skeleton, the script state ``notRunning``), and
until it is *settled* (no long task on the main thread for 300 ms, e.g. a map still
tessellating): each click starts from a settled page. Prints the median per page. The
one-chart floor app's cold start (``floor_app.py``, median of 3) is timed the same way:
what the dashboard's cold start cannot go below.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench.datasets import REPO_ROOT, ensure_dataset
from bench.live import CHROMIUM, CHROMIUM_ARGS, serve

AS_OF = "2025-06-30"
IDLE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-testid="stSkeleton"]')
  && !!document.querySelector('h1')
  && (document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
      ?? 'notRunning') === 'notRunning'"""
# The click's page: its title is not the previous one, and the run is over.
NEW_PAGE_JS = "(old) => { const h = document.querySelector('h1');" \
    " return !!h && h.innerText !== old && (" + IDLE_JS + ")(); }"
NAV_LINKS = '[data-testid="stSidebarNav"] a'
# Long tasks of the page's main thread (deck.gl tessellating the world's polygons, plotly
# drawing): a page is *settled* when none ran for QUIET_MS. Each click starts from a
# settled page, so the work a page leaves behind is billed to it, not to the next click.
LONG_TASKS_JS = """() => { window.__lastLong = performance.now();
  new PerformanceObserver(list => { for (const e of list.getEntries())
    window.__lastLong = Math.max(window.__lastLong, e.startTime + e.duration); })
  .observe({type: 'longtask', buffered: true}); }"""
QUIET_MS = 300
SETTLED_JS = f"() => performance.now() - (window.__lastLong || 0) > {QUIET_MS}"


def measure(dataset: Path, rounds: int, timeout_s: float = 120) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"data": str(dataset), "clicks_ms": {}}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
            started = time.perf_counter()
            with serve(dataset, timeout=timeout_s) as base:
                page.goto(f"{base}/?as_of={AS_OF}", wait_until="commit", timeout=timeout_s * 1000)
                page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000)
                out["cold_start_ms"] = round((time.perf_counter() - started) * 1000, 1)
                page.evaluate(LONG_TASKS_JS)
                page.wait_for_function(SETTLED_JS, timeout=timeout_s * 1000, polling=50)
                links = page.locator(NAV_LINKS)
                names = [links.nth(i).inner_text().strip().split("\n")[-1].strip() for i in range(links.count())]
                samples: dict[str, list[float]] = {name: [] for name in names}
                settle: dict[str, list[float]] = {name: [] for name in names}
                for _ in range(rounds):
                    for i, name in enumerate(names):
                        if i == 0 and not any(samples.values()):
                            continue  # the overview is open already (later rounds come back to it)
                        old = page.locator("h1").first.inner_text()
                        click = time.perf_counter()
                        links.nth(i).click()
                        page.wait_for_function(NEW_PAGE_JS, arg=old, timeout=timeout_s * 1000)
                        samples[name].append(time.perf_counter() - click)
                        page.wait_for_function(SETTLED_JS, timeout=timeout_s * 1000, polling=50)
                        settle[name].append(max(samples[name][-1], time.perf_counter() - click - QUIET_MS / 1000))
                out["clicks_ms"] = {name: round(statistics.median(s) * 1000, 1)
                                    for name, s in samples.items() if s}
                out["clicks_max_ms"] = {name: round(max(s) * 1000, 1) for name, s in samples.items() if s}
                out["settled_ms"] = {name: round(statistics.median(s) * 1000, 1) for name, s in settle.items() if s}
        finally:
            chromium.close()
    values = list(out["clicks_ms"].values())
    out["median_click_ms"] = round(statistics.median(values), 1) if values else None
    out["worst_click_ms"] = max(values) if values else None
    return out


FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"


def floor_cold_start(dataset: Path, timeout_s: float = 120) -> float:
    """The cold start of the one-chart floor app (``floor_app.py``) timed as ``measure``
    times the dashboard's: what Streamlit and Chromium alone take (server start, the
    frontend's scripts, plotly's chunk) before any of the project's code runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
            started = time.perf_counter()
            with serve(dataset, timeout=timeout_s, script=FLOOR_APP) as base:
                page.goto(base, wait_until="commit", timeout=timeout_s * 1000)
                page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000)
                page.wait_for_selector(".js-plotly-plot", timeout=timeout_s * 1000)
                return round((time.perf_counter() - started) * 1000, 1)
        finally:
            chromium.close()


def run(datasets: list[Path], rounds: int) -> list[dict]:
    results = [measure(path.resolve(), rounds) for path in datasets]
    if results:  # beside the first dataset's cold start: the floor's, timed the same way
        results[0]["floor_cold_start_ms"] = statistics.median(floor_cold_start(datasets[0]) for _ in range(3))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT / "data")
    parser.add_argument("--visits", type=int, default=10_000, help="a synthetic dataset too (0: none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    datasets = [args.data] + ([ensure_dataset(args.visits)] if args.visits else [])
    results = run(datasets, args.rounds)
    for result in results:
        floor = f" (floor app {result['floor_cold_start_ms'] / 1000:.2f} s)" if "floor_cold_start_ms" in result else ""
        print(f"{result['data']}: cold start {result['cold_start_ms'] / 1000:.2f} s{floor}, "
              f"click median {result['median_click_ms']:.0f} ms, worst {result['worst_click_ms']:.0f} ms")
        for name, ms in result["clicks_ms"].items():
            print(f"  {name:28s} {ms:7.0f} ms (max {result['clicks_max_ms'][name]:.0f}, "
                  f"settled {result['settled_ms'][name]:.0f})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
