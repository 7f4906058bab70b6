"""``python -m bench``: load, page and report times and peak memory at several sizes.

    python -m bench                                   # 1k, 10k, 100k and 1M visits
    python -m bench --sizes 1000,10000 --json out.json
    python -m bench --sizes 1000,100000 --before /tmp/base   # 'before' measured in the same run

Then the issue's target table (what | before | now | target | met?), with the heaviest
functions of the profile for a target not met. Also: a pyinstrument profile per page at
1k, 100k and 1M (``bench.profile``, under ``bench/out/``), Chromium sidebar clicks on the
curated data and 10k visits (``bench.browser``), the evidence pack's public/normal ratio
(``bench.bench_pack``) and, with ``--memory`` or 1M in the sizes, one server's peak memory
(``bench.server_memory``).

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


def run_size(visits: int, seed: int, reps: int, tree: Path = REPO_ROOT) -> dict:
    """Make (or reuse) the dataset and measure it in a fresh Python process (``tree``:
    the checkout whose app is measured, e.g. the code before a change)."""
    folder = ensure_dataset(visits, seed)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.measure", str(folder), "--reps", str(reps)],
        cwd=tree, capture_output=True, text=True, timeout=3600,
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


def _json_of(args: list[str], tree: Path, timeout: int = 3600) -> dict | list | None:
    """Run ``python -m <args>`` in ``tree`` and read the JSON it prints (last JSON line or
    the whole output); None when it failed (its error is printed)."""
    proc = subprocess.run([sys.executable, "-m", *args], cwd=tree, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        print(f"{' '.join(args)} failed in {tree}:\n{tail}", file=sys.stderr)
        return None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return None


def extras(tree: Path, sizes: list[int], seed: int, out: Path, browser: bool, memory: bool) -> dict:
    """Profiles (1k, 100k), the browser timing, the pack ratio and one server's memory."""
    result: dict = {}
    out.mkdir(parents=True, exist_ok=True)
    if tree == REPO_ROOT:
        for visits in (v for v in sizes if v in (1_000, 100_000, 1_000_000)):
            print(f"profiling {visits:,} visits ...", file=sys.stderr, flush=True)
            folder = out / f"profile-{visits}"
            result[f"profile_{visits}"] = _json_of(
                ["bench.profile", str(ensure_dataset(visits, seed)), "--reps", "3", "--out", str(folder)], tree)
    if browser and (tree / "bench" / "browser.py").exists():
        print(f"browser timing ({tree}) ...", file=sys.stderr, flush=True)
        file = out / f"browser-{'now' if tree == REPO_ROOT else 'before'}.json"
        ensure_dataset(10_000, seed)
        if _json_of(["bench.browser", "--visits", "10000", "--rounds", "3", "--json", str(file)], tree) is not None \
                or file.exists():
            result["browser"] = json.loads(file.read_text(encoding="utf-8"))
    print(f"evidence pack ({tree}) ...", file=sys.stderr, flush=True)
    ensure_dataset(3000, seed)
    result["pack"] = _json_of(["bench.bench_pack", "--visits", "3000"], tree)
    if memory:
        print(f"one server at 1M visits ({tree}) ...", file=sys.stderr, flush=True)
        ensure_dataset(1_000_000, seed)
        result["server_memory"] = _json_of(["bench.server_memory", "--visits", "1000000", "--json",
                                            str(out / "server-memory.json")], tree)
        if result["server_memory"] is None and (out / "server-memory.json").exists():
            result["server_memory"] = json.loads((out / "server-memory.json").read_text(encoding="utf-8"))
    return result


# The issue's "today" figures (issue 17), shown when no measured "before" is at hand.
ISSUE_BEFORE = {
    "page_1000": "110-210 ms", "page_100000": "330-370 ms", "page_1000000": "0.4-1.4 s",
    "ratio": "up to 2.6x", "click": "0.2-1.6 s", "cold": "~4 s", "pack": "17x", "memory": "1.22 GB",
}


def figures(results: list[dict], extra: dict) -> dict:
    """The target table's figures of one run (None: not measured)."""
    pages = {r["visits"]: {p: v["filter_change_ms"] for p, v in r["pages"].items()} for r in results}
    out: dict = {}
    for visits in (1_000, 100_000, 1_000_000):
        out[f"page_{visits}"] = pages.get(visits)
    if 1_000 in pages and 100_000 in pages:
        out["ratio"] = {p: round(pages[100_000][p] / pages[1_000][p], 2) for p in pages[1_000]}
    curated = (extra.get("browser") or [None])[0]
    out["click"] = curated and {"median": curated["median_click_ms"], "worst": curated["worst_click_ms"],
                                "pages": curated["clicks_ms"]}
    out["cold"] = curated and curated["cold_start_ms"]
    out["pack"] = extra.get("pack") and extra["pack"]["ratio"]
    memory = extra.get("server_memory")
    out["memory"] = memory and memory.get("VmHWM")
    return out


def _range(values: dict | None, unit: str = "ms") -> str:
    if not values:
        return "-"
    low, high = min(values.values()), max(values.values())
    if unit == "x":
        return f"{low:.1f}-{high:.1f}x"
    return f"{_fmt_ms(low)}-{_fmt_ms(high)}"


TARGETS = [  # key, what, target text, met(fig)
    ("page_1000", "page run after a filter change, 1k visits", "<= 50 ms every page",
     lambda f: max(f.values()) <= 50),
    ("page_100000", "same, 100k visits", "<= 100 ms every page", lambda f: max(f.values()) <= 100),
    ("page_1000000", "same, 1M visits", "<= 400 ms every page", lambda f: max(f.values()) <= 400),
    ("ratio", "ratio 100k / 1k for every page", "<= 1.5x", lambda f: max(f.values()) <= 1.5),
    ("click", "Chromium, sidebar click to idle page, curated data", "<= 300 ms median, <= 600 ms worst",
     lambda f: f["median"] <= 300 and f["worst"] <= 600),
    ("cold", "cold server start to the first page drawn", "<= 3 s", lambda f: f <= 3000),
    ("pack", "evidence pack, public / normal time", "<= 1.5x", lambda f: f <= 1.5),
    ("memory", "peak memory, one server at 1M visits", "<= 1 GB", lambda f: f <= 1024),
]


def _cell(key: str, fig) -> str:
    if fig is None:
        return "not measured"
    if isinstance(fig, str):
        return fig
    if key.startswith("page_"):
        return _range(fig)
    if key == "ratio":
        return _range(fig, "x")
    if key == "click":
        return f"median {_fmt_ms(fig['median'])}, worst {_fmt_ms(fig['worst'])}"
    if key == "cold":
        return _fmt_ms(fig)
    if key == "pack":
        return f"{fig:.2f}x"
    if key == "memory":
        return f"{fig / 1024:.2f} GB"
    return str(fig)


def target_table(now: dict, before: dict | None) -> tuple[str, list[str]]:
    """The issue's table: what | before | now | target | met?; and the keys not met."""
    lines = ["| what | before | now | target | met? |", "|---|---|---|---|---|"]
    missed = []
    for key, what, target, met in TARGETS:
        fig = now.get(key)
        ok = None if fig is None else bool(met(fig))
        if ok is False:
            missed.append(key)
        old = (before or {}).get(key)
        lines.append(f"| {what} | {_cell(key, old) if old is not None else ISSUE_BEFORE[key]} | {_cell(key, fig)} "
                     f"| {target} | {'-' if ok is None else ('yes' if ok else '**no**')} |")
    return "\n".join(lines), missed


def left_over(missed: list[str], now: dict, extra: dict, results: list[dict] | None = None) -> str:
    """For each target not met: what the profile shows is left (heaviest functions)."""
    out = []
    for key in missed:
        if key.startswith("page_") or key == "ratio":
            size = int(key.split("_")[1]) if key.startswith("page_") else 100_000
            profile = extra.get(f"profile_{size}")
            pages = now.get(key) or {}
            slow = [p for p, v in pages.items() if v > {"page_1000": 50, "page_100000": 100}.get(key, 400)] \
                if key != "ratio" else [p for p, v in pages.items() if v > 1.5]
            out.append(f"\n{key}: not met by {', '.join(slow) or '-'}")
            if key == "ratio":
                out.append("  (what grows with the data: the 100k profile lines under page_100000)")
                continue
            if not profile:
                out.append("  (no profile at this size: run with --sizes including it)")
                continue
            for page in slow:
                info = profile["pages"].get(page)
                if not info:
                    continue
                split = ", ".join(f"{k} {v}%" for k, v in info["split_pct"].items() if v)
                out.append(f"  {page} (profiled {info['median_ms']:.0f} ms per run): {split}")
                out += [f"    {h['ms_per_run']:7.1f} ms  {h['function']}" for h in info["heaviest"][:5]]
        elif key == "click":
            clicks = now["click"]["pages"]
            worst = sorted(clicks.items(), key=lambda kv: -kv[1])[:4]
            out.append("\nclick: slowest pages " + ", ".join(f"{p} {_fmt_ms(v)}" for p, v in worst)
                       + " (server run + browser rendering; the server's run: the page profiles)")
            settled = ((extra.get("browser") or [{}])[0]).get("settled_ms") or {}
            busy = [(p, v) for p, v in settled.items() if v > 2 * clicks.get(p, v)]
            if busy:
                out.append("  still drawing after idle (the browser's main thread busy, e.g. deck.gl maps in "
                           "software WebGL): " + ", ".join(f"{p} settles after {_fmt_ms(v)}" for p, v in busy))
        elif key == "cold":
            curated = (extra.get("browser") or [{}])[0]
            floor = curated.get("floor_cold_start_ms")
            out.append(f"\ncold: not met ({_cell(key, now.get(key))})"
                       + (f"; the one-chart floor app, timed the same way: {_fmt_ms(floor)} (server start, "
                          f"Streamlit's frontend and plotly's scripts in Chromium); the rest, "
                          f"{_fmt_ms(now['cold'] - floor)}, is the dashboard's imports and first run "
                          f"(first_page_ms at 1k: the run alone) and drawing its page" if floor else ""))
        elif key == "memory":
            out.append(f"\nmemory: not met ({_cell(key, now.get(key))}); where it goes:")
            out += memory_breakdown(extra.get("server_memory") or {}, results or [])
        else:
            out.append(f"\n{key}: not met ({_cell(key, now.get(key))})")
    return "\n".join(out)


def memory_breakdown(server: dict, results: list[dict]) -> list[str]:
    """The server's memory after each page opened (what each page adds to the peak) and
    what the dataset's own tables take (``bench.measure`` at the largest size)."""
    lines = []
    before = None
    for page, step in (server.get("pages") or {}).items():
        rise = "" if before is None else f" (+{step['VmHWM'] - before:.0f} MB peak)"
        lines.append(f"  after {page:11s} rss {step['VmRSS']:6.0f} MB, peak {step['VmHWM']:6.0f} MB{rise}")
        before = step["VmHWM"]
    largest = max(results, key=lambda r: r["visits"], default=None)
    if largest and largest.get("tables_mb"):
        tables = ", ".join(f"{name} {mb:.0f} MB" for name, mb in sorted(largest["tables_mb"].items(),
                                                                         key=lambda kv: -kv[1]) if mb >= 1)
        lines.append(f"  the tables at {largest['visits']:,} visits: {tables} "
                     f"(one scoped copy of the visits is up to that again)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="numbers of visits, comma-separated (default 1k,10k,100k,1M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reps", type=int, default=5, help="filter changes timed per page")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out",
                        help="profiles and browser timings (git-ignored)")
    parser.add_argument("--before", type=Path, default=None,
                        help="a checkout of the code before (git worktree): measured in the same run, "
                             "size by size, for the 'before' column")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    parser.add_argument("--memory", action="store_true",
                        help="one server's peak memory at 1M visits (heavy; also when 1M is in --sizes)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    trees = [REPO_ROOT] + ([args.before.resolve()] if args.before else [])
    results: dict[Path, list[dict]] = {tree: [] for tree in trees}
    for visits in sizes:
        # Fewer repetitions at the largest sizes keep `make bench` within minutes.
        reps = args.reps if visits < 1_000_000 else max(3, args.reps // 2)
        for tree in trees:  # before and now back to back: the same load on the machine
            print(f"measuring {visits:,} visits ({tree}) ...", file=sys.stderr, flush=True)
            results[tree].append(run_size(visits, args.seed, reps, tree))
    memory = args.memory or 1_000_000 in sizes
    extra = {tree: extras(tree, sizes, args.seed, args.out, not args.no_browser, memory) for tree in trees}
    now = figures(results[REPO_ROOT], extra[REPO_ROOT])
    before = figures(results[trees[1]], extra[trees[1]]) if args.before else _stored_before()
    print(table(results[REPO_ROOT]))
    targets, missed = target_table(now, before)
    print("\n" + targets)
    if missed:
        print(left_over(missed, now, extra[REPO_ROOT], results[REPO_ROOT]))
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "results": results[REPO_ROOT],
        "targets": now,
        "before": before,
        "extra": {k: v for k, v in extra[REPO_ROOT].items() if not k.startswith("profile_")},
    }
    if args.before:
        report["before_results"] = results[trees[1]]
        BEFORE_JSON.write_text(json.dumps({"figures": before, "generated": report["generated"]}, indent=1) + "\n",
                               encoding="utf-8")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.json}; profiles under {args.out}", file=sys.stderr)
    return 0


# The "before" figures of the last run with --before (committed), for later runs without it.
BEFORE_JSON = REPO_ROOT / "bench" / "before.json"


def _stored_before() -> dict | None:
    try:
        return json.loads(BEFORE_JSON.read_text(encoding="utf-8"))["figures"]
    except (OSError, ValueError, KeyError):
        return None


if __name__ == "__main__":
    sys.exit(main())
