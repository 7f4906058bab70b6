"""Many viewers at once: N headless Chromium sessions switching pages and filters.

    python -m bench.load --sessions 20 --seconds 60 [--data PATH | --visits N]

Starts the app on a free loopback port, opens one Chromium with N contexts, and has
each open a random page (a shared link: page, years, institution) and then, in that same
session, change a filter the way a viewer does until the time is up: move one end of the
year slider a step with the keyboard, or pick another institution in the sidebar. Reports
every error (an exception panel or an error alert), the median and 95th percentile time
from the filter change to the updated page (Streamlit's running indicator gone, the
script run finished) and, apart, the same for opening a new URL (a new session).
Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.datasets import REPO_ROOT, ensure_dataset

PAGES = ("", "partners", "mobility", "grants", "agreements", "students", "quality", "export")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DONE_JS = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !!document.querySelector('h1')
  && (document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state')
      ?? 'notRunning') === 'notRunning'"""
ERRORS_JS = """() => [
  ...[...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText),
  ...[...document.querySelectorAll('[data-testid="stAlertContentError"]')].map(e => e.innerText)]"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(data: Path, timeout: float = 90):
    """The dashboard on a free loopback port (its own empty version store); yields the URL."""
    port = free_port()
    store = tempfile.mkdtemp(prefix="bench-store-")
    env = {**os.environ, "COOP_DATA": str(data), "COOP_STORE": store}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboard.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def random_view(rng: random.Random, institutions: list[str]) -> str:
    """A page path with a random filter query string."""
    page = rng.choice(PAGES)
    low = rng.randint(2015, 2024)
    query = [f"from={low}", f"to={rng.randint(low, 2025)}", "as_of=2025-06-30"]
    if institutions and rng.random() < 0.5:
        query.append(f"inst={rng.choice(institutions)}")
    return f"{page}?{'&'.join(query)}"


async def change_filter(page, rng: random.Random) -> str:
    """One filter change inside the session: a year-slider step or an institution pick."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if rng.random() < 0.5:
        thumbs = sidebar.locator('[data-testid="stSlider"] input[type="range"]')
        await thumbs.first.wait_for(state="attached", timeout=60_000)
        thumb = thumbs.nth(rng.randrange(await thumbs.count()))
        key = rng.choice(["ArrowLeft", "ArrowRight"])
        await thumb.focus()
        await thumb.press(key)
        return f"years {key}"
    multiselect = sidebar.locator('[data-testid="stMultiSelect"]').first
    clear = multiselect.locator('[role="button"][aria-label="Clear all"], svg[title="Clear all"]')
    if await clear.count() and rng.random() < 0.3:
        await clear.first.click()
        return "institution: all"
    await multiselect.locator("input").click()
    options = page.locator('[role="option"]')
    try:
        await options.first.wait_for(timeout=5_000)
    except Exception:  # noqa: BLE001 - every institution picked already
        await page.keyboard.press("Escape")
        return "institution: none left"
    choice = rng.randrange(await options.count())
    text = (await options.nth(choice).inner_text()).strip()
    await options.nth(choice).click()
    await page.keyboard.press("Escape")
    return f"institution {text}"


async def session(browser, base: str, deadline: float, seed: int, institutions: list[str],
                  timings: list[float], errors: list[str], opens: list[float]) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    view = random_view(rng, institutions)
    try:
        started = time.perf_counter()
        try:
            await page.goto(f"{base}/{view}", wait_until="commit", timeout=60_000)
            await page.wait_for_function(DONE_JS, timeout=120_000, polling=50)
        except Exception as exc:  # noqa: BLE001 - a timeout is an error to report
            errors.append(f"{view}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            return
        opens.append(time.perf_counter() - started)
        while time.monotonic() < deadline:
            try:
                before = await page.evaluate("location.search")
                started = time.perf_counter()
                what = await change_filter(page, rng)
                # The rerun rewrites the URL from the filters (ui.sidebar) before the page
                # draws; a step past the slider's end changes nothing and is not counted.
                try:
                    await page.wait_for_function(
                        f"() => location.search !== {json.dumps(before)}", timeout=10_000, polling=20)
                except Exception:  # noqa: BLE001
                    continue
                await page.wait_for_function(DONE_JS, timeout=120_000, polling=50)
            except Exception as exc:  # noqa: BLE001 - a timeout is an error to report
                errors.append(f"{view} filter change: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                continue
            timings.append(time.perf_counter() - started)
            found = await page.evaluate(ERRORS_JS)
            errors += [f"{view} ({what}): {text.strip()[:200]}" for text in found]
    finally:
        await context.close()


def _median_p95(samples: list[float]) -> tuple[float | None, float | None]:
    ordered = sorted(samples)
    if not ordered:
        return None, None
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return round(statistics.median(ordered) * 1000, 1), round(p95 * 1000, 1)


async def drive(base: str, sessions: int, seconds: float, institutions: list[str]) -> dict:
    from playwright.async_api import async_playwright

    timings: list[float] = []
    opens: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*[
                session(browser, base, deadline, seed, institutions, timings, errors, opens)
                for seed in range(sessions)
            ])
        finally:
            await browser.close()
    median, p95 = _median_p95(timings)
    open_median, open_p95 = _median_p95(opens)
    return {
        "sessions": sessions,
        "seconds": seconds,
        "page_views": len(timings),
        "errors": errors,
        "median_ms": median,
        "p95_ms": p95,
        "open_median_ms": open_median,
        "open_p95_ms": open_p95,
    }


def institution_ids(data: Path) -> list[str]:
    from loaders import load_dataset

    return [str(i) for i in load_dataset(data, cache=True).tables["institutions"]["institution_id"]]


def run(data: Path, sessions: int, seconds: float) -> dict:
    institutions = institution_ids(data)
    with serve(data) as base:
        result = asyncio.run(drive(base, sessions, seconds, institutions))
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
          f"{result['open_median_ms']} ms, p95 {result['open_p95_ms']} ms), {len(result['errors'])} errors")
    for error in result["errors"][:20]:
        print("  error:", error)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
