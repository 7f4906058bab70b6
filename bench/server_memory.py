"""Peak memory of one real app server: load a dataset, then open every page once.

    python -m bench.server_memory [--visits 1000000 | --data PATH]

Starts ``streamlit run dashboard.py`` (as ``bench.load`` does), opens each page in turn
in one headless Chromium session (default filters, then the page drawn), and reads the
server process's peak resident memory (``VmHWM``) and current memory (``VmRSS``) from
``/proc``. The disk cache (``COOP_CACHE``) is used as a restarted server would.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from bench.datasets import ensure_dataset
from bench.live import CHROMIUM_ARGS, finish, serve
from bench.load import DONE_JS, ERRORS_JS, PAGES


def _status(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of ``pid`` in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


async def _visit_pages(base: str, pid: int, timeout_s: float) -> dict:
    from playwright.async_api import async_playwright

    pages: dict = {}
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
            for name in PAGES:
                started = time.perf_counter()
                await page.goto(f"{base}/{name}?as_of=2025-06-30", wait_until="commit", timeout=timeout_s * 1000)
                await page.wait_for_function(DONE_JS, timeout=timeout_s * 1000, polling=100)
                errors += [f"{name or 'overview'}: {e[:200]}" for e in await page.evaluate(ERRORS_JS)]
                pages[name or "overview"] = {"open_ms": round((time.perf_counter() - started) * 1000, 1),
                                             **_status(pid)}
        finally:
            await browser.close()
    return {"pages": pages, "errors": errors}


def run(data: Path, timeout_s: float = 300) -> dict:
    info: dict = {}
    with serve(data, timeout=timeout_s, info=info) as base:
        result = asyncio.run(_visit_pages(base, info["pid"], timeout_s))
        result.update(_status(info["pid"]))
    result["data"] = str(data)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_memory", description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    data = (args.data or ensure_dataset(args.visits)).resolve()
    result = run(data)
    for name, page in result["pages"].items():
        print(f"{name:12s} open {page['open_ms'] / 1000:6.2f} s   server rss {page['VmRSS']:7.0f} MB   peak {page['VmHWM']:7.0f} MB")
    print(f"server peak memory (VmHWM): {result['VmHWM']:.0f} MB, now {result['VmRSS']:.0f} MB; "
          f"{len(result['errors'])} app errors")
    return finish(result, args.json, limit=len(result["errors"]))


if __name__ == "__main__":
    sys.exit(main())
