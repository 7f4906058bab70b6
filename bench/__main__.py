"""``python -m bench``: load, page and report times and peak memory at several sizes.

    python -m bench                                   # 1k, 10k, 100k and 1M visits
    python -m bench --sizes 1000,10000 --json out.json

Each size runs in its own subprocess (``bench.measure``): its first load is cold and
its peak memory its own. Datasets come from ``python -m loaders synth`` and are kept in
``bench/.data/`` (git-ignored). Prints a table; writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.datasets import REPO_ROOT, ensure_dataset
from bench.measure import PAGES

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_JSON = REPO_ROOT / "docs" / "perf.json"
MARKER = "BENCH-JSON "


def run_size(visits: int, seed: int, reps: int) -> dict:
    """Make (or reuse) the dataset and measure it in a fresh Python process."""
    folder = ensure_dataset(visits, seed)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.measure", str(folder), "--reps", str(reps)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=3600,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(MARKER)), None)
    if proc.returncode != 0 or line is None:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"bench.measure failed for {visits} visits:\n{tail}")
    result = json.loads(line[len(MARKER):])
    result["visits"] = visits
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


def _fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def table(results: list[dict]) -> str:
    """The figures as a Markdown table: one column per size."""
    head = ["", *[f"{r['visits']:,} visits" for r in results]]
    rows = [
        ["cold load (no cache)", *[_fmt_ms(r["cold_load_ms"]) for r in results]],
        ["warm load (cache hit)", *[_fmt_ms(r["warm_load_ms"]) for r in results]],
        ["reload after restart", *[_fmt_ms(r["restart_load_ms"]) for r in results]],
        *[[f"page {p}: filter change", *[_fmt_ms(r["pages"][p]["filter_change_ms"]) for r in results]]
          for p in PAGES],
        ["slowest page", *[_fmt_ms(max(v["filter_change_ms"] for v in r["pages"].values()))
                           for r in results]],
        ["JSON report", *[_fmt_ms(r["report_ms"]) for r in results]],
        ["peak memory", *[f"{r['peak_rss_mb']:.0f} MB" for r in results]],
        ["floor: pandas.read_csv(visits)", *[_fmt_ms(r["floor_read_csv_ms"]) for r in results]],
        ["floor: one-chart page", *[_fmt_ms(r["floor_page_ms"]) for r in results]],
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="numbers of visits, comma-separated (default 1k,10k,100k,1M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=5, help="filter changes timed per page")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    results = []
    for visits in sizes:
        print(f"measuring {visits:,} visits ...", file=sys.stderr, flush=True)
        # Fewer repetitions at the largest sizes keep `make bench` within minutes.
        reps = args.reps if visits < 1_000_000 else max(3, args.reps // 2)
        results.append(run_size(visits, args.seed, reps))
    print(table(results))
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
