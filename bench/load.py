"""Many viewers at once: N headless Chromium sessions switching pages and filters.

    python -m bench.load --sessions 20 --seconds 60 [--data PATH | --visits N]

Starts the app on a free loopback port, opens one Chromium with N contexts, and has
each open a random page (a shared link: page, years, institution) and then, in that same
session, change a filter the way a viewer does until the time is up: move one end of the
year slider a step with the keyboard, or pick another institution in the sidebar. Reports
every app error (an exception panel, an error alert, a page that failed to load), the
median, 95th percentile and slowest time from the filter change to the updated page
(Streamlit's running indicator gone, the script run finished) and, apart, the same for
opening a new URL (a new session). An interaction that does not finish within its wait
budget (a busy box) is listed as slow, not as an error. Bounded in time: nothing waits
past the end of the run plus ``GRACE_S``. Exit status 1 on any app error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

from bench.datasets import ensure_dataset
from bench.live import CHROMIUM_ARGS, finish, serve

PAGES = ("", "partners", "mobility", "grants", "agreements", "students", "quality", "export")
DONE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !!document.querySelector('h1')
  && (document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
      ?? 'notRunning') === 'notRunning'"""
# Waits: a filter change (or opening a page) that takes longer is reported as slow, not as
# an error; nothing waits past the end of the run plus GRACE_S.
INTERACTION_TIMEOUT_S = 60
OPEN_TIMEOUT_S = 120
GRACE_S = 30
ERRORS_JS = """() => [
  ...[...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText),
  ...[...document.querySelectorAll('[data-testid="stAlertContentError"]')].map(e => e.innerText)]"""


def random_view(rng: random.Random, institutions: list[str]) -> str:
    """A page path with a random filter query string."""
    page = rng.choice(PAGES)
    low = rng.randint(2015, 2024)
    query = [f"from={low}", f"to={rng.randint(low, 2025)}", "as_of=2025-06-30"]
    if institutions and rng.random() < 0.5:
        query.append(f"inst={rng.choice(institutions)}")
    return f"{page}?{'&'.join(query)}"


class Slow(Exception):
    """An interaction that did not finish within its time budget (timed, not an app error)."""


def _budget_ms(deadline: float, limit_s: float) -> float:
    """A wait's timeout: at most ``limit_s``, and never past the run's end plus its grace."""
    return max(1_000.0, min(limit_s, deadline + GRACE_S - time.monotonic()) * 1000)


async def _wait_idle(page, deadline: float, limit_s: float = INTERACTION_TIMEOUT_S) -> None:
    """Until the script run finished and the page is drawn (Streamlit's running indicator gone)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(DONE_JS, timeout=_budget_ms(deadline, limit_s), polling=50)
    except PlaywrightTimeout as exc:
        raise Slow("page still running") from exc


async def change_filter(page, rng: random.Random, deadline: float) -> str:
    """One filter change inside the session: a year-slider step or an institution pick.

    Every wait is bounded (``_budget_ms``); a widget that is not ready in time raises
    ``Slow`` (reported apart from app errors: the box was too busy, the app did not fail).
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    timeout = _budget_ms(deadline, INTERACTION_TIMEOUT_S)
    sidebar = page.locator('[data-testid="stSidebar"]')
    try:
        if rng.random() < 0.5:
            thumbs = sidebar.locator('[data-testid="stSlider"] input[type="range"]')
            await thumbs.first.wait_for(state="attached", timeout=timeout)
            moves = await _slider_moves(thumbs)
            if moves:  # only steps that change the years (a step past an end does nothing)
                index, key = rng.choice(moves)
                thumb = thumbs.nth(index)
                await thumb.focus(timeout=timeout)
                await thumb.press(key, timeout=timeout)
                return f"years {key}"
        multiselect = sidebar.locator('[data-testid="stMultiSelect"]').first
        await multiselect.wait_for(state="visible", timeout=timeout)
        picked = multiselect.locator('[aria-label^="Remove "]')
        if await picked.count() and rng.random() < 0.3:
            await picked.first.click(timeout=timeout)
            return "institution: one removed"
        await multiselect.locator("input").click(timeout=timeout)
        # Options carry aria-selected; "No results" (every institution picked) does not.
        options = page.locator('[role="option"][aria-selected]')
        try:
            await page.locator('[role="option"]').first.wait_for(timeout=min(timeout, 15_000))
        except PlaywrightTimeout:  # a slow dropdown
            await page.keyboard.press("Escape")
            return "institution: no dropdown"
        if not await options.count():  # every institution picked already: remove one
            await page.keyboard.press("Escape")
            if await picked.count():
                await picked.first.click(timeout=timeout)
                return "institution: one removed"
            return "institution: none left"
        choice = rng.randrange(await options.count())
        text = (await options.nth(choice).inner_text(timeout=timeout)).strip()
        await options.nth(choice).click(timeout=timeout)
        await page.keyboard.press("Escape")
        return f"institution {text}"
    except PlaywrightTimeout as exc:
        raise Slow(f"widget not ready in {timeout / 1000:.0f} s") from exc


async def _slider_moves(thumbs) -> list[tuple[int, str]]:
    """(thumb, key) pairs that move the year range: not past an end, not across the other thumb."""
    values = [await thumbs.nth(i).evaluate("e => [+e.value, +e.min, +e.max]")
              for i in range(await thumbs.count())]
    if len(values) != 2:
        return [(i, key) for i in range(len(values)) for key in ("ArrowLeft", "ArrowRight")]
    (low, lowest, _), (high, _, highest) = values
    moves = []
    if low > lowest:
        moves.append((0, "ArrowLeft"))
    if low < high:
        moves += [(0, "ArrowRight"), (1, "ArrowLeft")]
    if high < highest:
        moves.append((1, "ArrowRight"))
    return moves


async def _app_errors(page) -> list[str]:
    """Exception panels and error alerts on the page (the app's own errors)."""
    try:
        return [text.strip()[:200] for text in await page.evaluate(ERRORS_JS)]
    except Exception:  # noqa: BLE001 - the page is gone (closing): nothing to read
        return []


async def session(browser, base: str, deadline: float, seed: int, institutions: list[str],
                  out: dict, changes: int | None = None) -> None:
    """One viewer: open a shared link, then change filters until ``deadline`` (or, with
    ``changes``, until that many filter changes were timed, whichever comes first).

    ``out`` collects ``errors`` (app errors only: exception panels, error alerts, a page
    that failed to load), ``timings`` and ``opens`` (seconds) and ``slow`` (interactions
    that did not finish within their budget, with how long they had run).
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    view = random_view(rng, institutions)
    try:
        started = time.perf_counter()
        try:
            response = await page.goto(f"{base}/{view}", wait_until="commit",
                                       timeout=_budget_ms(deadline, OPEN_TIMEOUT_S))
        except PlaywrightTimeout:
            out["slow"].append(f"{view}: open: no response in time")
            return
        except Exception as exc:  # noqa: BLE001 - connection refused, reset...: a failed load
            out["errors"].append(f"{view}: page load failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return
        if response is not None and response.status >= 400:
            out["errors"].append(f"{view}: page load failed: HTTP {response.status}")
            return
        try:
            await _wait_idle(page, deadline, OPEN_TIMEOUT_S)
        except Slow:
            out["slow"].append(f"{view}: open: not drawn after {time.perf_counter() - started:.0f} s")
            out["errors"] += [f"{view}: {text}" for text in await _app_errors(page)]
            return
        out["opens"].append(time.perf_counter() - started)
        out["errors"] += [f"{view}: {text}" for text in await _app_errors(page)]
        done = 0
        while time.monotonic() < deadline and (changes is None or done < changes):
            what = "filter change"
            started = time.perf_counter()
            try:
                before = await page.evaluate("location.search")
                what = await change_filter(page, rng, deadline)
                # The rerun rewrites the URL from the filters (ui.sidebar) before the page
                # draws; a step past the slider's end changes nothing and is not counted.
                try:
                    await page.wait_for_function(
                        f"() => location.search !== {json.dumps(before)}",
                        timeout=_budget_ms(deadline, 10), polling=20)
                except PlaywrightTimeout:
                    continue
                await _wait_idle(page, deadline)
            except Slow as exc:
                out["slow"].append(f"{view} ({what}): {exc} after {time.perf_counter() - started:.0f} s")
                try:  # let the page settle before the next change (bounded as well)
                    await _wait_idle(page, deadline)
                except Slow:
                    break
                continue
            out["timings"].append(time.perf_counter() - started)
            done += 1
            out["errors"] += [f"{view} ({what}): {text}" for text in await _app_errors(page)]
    finally:
        await context.close()


def _median_p95(samples: list[float]) -> tuple[float | None, float | None]:
    ordered = sorted(samples)
    if not ordered:
        return None, None
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return round(statistics.median(ordered) * 1000, 1), round(p95 * 1000, 1)


async def drive(base: str, sessions: int, seconds: float, institutions: list[str],
                changes: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"timings": [], "opens": [], "errors": [], "slow": []}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            tasks = [asyncio.ensure_future(session(browser, base, deadline, seed, institutions, out, changes))
                     for seed in range(sessions)]
            # Bounded: every wait stops at the deadline plus GRACE_S; this is the backstop.
            done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_S + 30)
            for task in pending:
                task.cancel()
                out["slow"].append("session cut off at the time limit")
            await asyncio.gather(*pending, return_exceptions=True)
            for task in done:
                if task.exception() is not None:  # a harness fault, not the app's
                    exc = task.exception()
                    out["slow"].append(f"session ended early: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            await browser.close()
    median, p95 = _median_p95(out["timings"])
    open_median, open_p95 = _median_p95(out["opens"])
    return {
        "sessions": sessions,
        "seconds": seconds,
        "page_views": len(out["timings"]),
        "errors": out["errors"],
        "slow": out["slow"],
        "median_ms": median,
        "p95_ms": p95,
        "max_ms": round(max(out["timings"]) * 1000, 1) if out["timings"] else None,
        "open_median_ms": open_median,
        "open_p95_ms": open_p95,
        "opened": len(out["opens"]),
    }


def institution_ids(data: Path) -> list[str]:
    from loaders import load_dataset

    return [str(i) for i in load_dataset(data, cache=True).tables["institutions"]["institution_id"]]


def run(data: Path, sessions: int, seconds: float, changes: int | None = None) -> dict:
    """``sessions`` viewers for at most ``seconds``; ``changes`` ends each after that many
    timed filter changes (a fixed amount of work, as the test suite wants)."""
    institutions = institution_ids(data)
    with serve(data) as base:
        result = asyncio.run(drive(base, sessions, seconds, institutions, changes))
    result["data"] = str(data)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--data", type=Path, default=None, help="dataset (default: synthetic)")
    parser.add_argument("--visits", type=int, default=10_000, help="synthetic dataset size")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    data = args.data or ensure_dataset(args.visits)
    result = run(data.resolve(), args.sessions, args.seconds)
    print(f"{result['sessions']} sessions, {result['seconds']:.0f} s: {result['page_views']} filter changes, "
          f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms (first open: median "
          f"{result['open_median_ms']} ms, p95 {result['open_p95_ms']} ms), {len(result['errors'])} errors, "
          f"{len(result['slow'])} slow (not finished within the wait budget; timed, not errors)")
    for slow in result["slow"][:20]:
        print("  slow:", slow)
    return finish(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
