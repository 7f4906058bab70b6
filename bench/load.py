"""Many viewers at once: N headless Chromium sessions switching pages and filters.

    python -m bench.load --sessions 20 --seconds 60 [--data PATH | --visits N]

Starts the app on a free loopback port, opens one Chromium with N contexts, and has
each open random pages with random filters in the URL (a shared link: page, years,
institution) until the time is up. Reports every error (an exception panel or an error
alert) and the median and 95th percentile time from the new URL to the updated page
(the title drawn and the script run finished). Exit status 1 on any error.
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


async def session(browser, base: str, deadline: float, seed: int, institutions: list[str],
                  timings: list[float], errors: list[str]) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    try:
        while time.monotonic() < deadline:
            view = random_view(rng, institutions)
            started = time.perf_counter()
            try:
                await page.goto(f"{base}/{view}", wait_until="commit", timeout=60_000)
                await page.wait_for_function(DONE_JS, timeout=60_000, polling=50)
            except Exception as exc:  # noqa: BLE001 - a timeout is an error to report
                errors.append(f"{view}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                continue
            timings.append(time.perf_counter() - started)
            found = await page.evaluate(ERRORS_JS)
            errors += [f"{view}: {text.strip()[:200]}" for text in found]
    finally:
        await context.close()


async def drive(base: str, sessions: int, seconds: float, institutions: list[str]) -> dict:
    from playwright.async_api import async_playwright

    timings: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            deadline = time.monotonic() + seconds
            await asyncio.gather(*[
                session(browser, base, deadline, seed, institutions, timings, errors)
                for seed in range(sessions)
            ])
        finally:
            await browser.close()
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None
    return {
        "sessions": sessions,
        "seconds": seconds,
        "page_views": len(timings),
        "errors": errors,
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
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
    print(f"{result['sessions']} sessions, {result['seconds']:.0f} s: {result['page_views']} page views, "
          f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, {len(result['errors'])} errors")
    for error in result["errors"][:20]:
        print("  error:", error)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
