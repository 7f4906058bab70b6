"""Where a page's run goes: a pyinstrument profile per page after a filter change.

    python -m bench.profile bench/.data/synth-1000-s7 --reps 3 --out bench/out/profile-1000

Runs ``dashboard.py`` under AppTest as ``bench.measure`` does (the same filter states),
profiles the script thread of ``reps`` filter changes per page and writes, per page,
``<page>.txt`` (pyinstrument's call tree) and ``<page>.html``, and ``summary.json``: the
median run per page and its time split into Streamlit, pandas, figure building,
serialisation and the project's own Python (``categorise``). ``python -m bench`` runs it at
1k and 100k visits into ``bench/out/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench.measure import (
    AS_OF,
    DASHBOARD,
    PAGES,
    REPO_ROOT,
    _quiet_streamlit,
    filter_states,
)

CATEGORIES = ("serialisation", "figure building", "pandas", "streamlit", "project python", "other")
# A sample belongs to the first category whose test its stack passes (outermost frame
# first for serialisation and figures: pandas called by arrow conversion is serialisation).
# Serialisation: what turns a result into the message sent (Arrow tables, plotly and
# pydeck JSON, protobuf), not pandas' own Arrow-backed strings.
_SERIAL = ("streamlit/dataframe_util", "streamlit/elements/lib/column_config", "streamlit/elements/arrow",
           "google/protobuf", "/json/", "plotly/io/", "pydeck/bindings/json_tools", "to_plotly_json",
           "charts/maps.py:to_json", "streamlit/runtime/forward_msg", "streamlit/proto")
_FIGURE = ("/plotly/", "/pydeck/", "charts/theme.py", "charts/bars.py", "charts/timeline.py", "charts/maps.py")
_PANDAS = ("/pandas/", "/numpy/", "/pyarrow/")
_STREAMLIT = ("/streamlit/",)


def categorise(stack: list[str]) -> str:
    """The category of one sample (its frames: ``function\\x00file\\x00line...``)."""
    parts = [frame.split("\x00") for frame in stack]
    files = [p[1] if len(p) > 1 else p[0] for p in parts]
    named = [f"{p[1]}:{p[0]}" if len(p) > 1 else p[0] for p in parts]
    if any(any(key in f for key in _SERIAL) for f in named):
        return "serialisation"
    if any(any(key in f for key in _FIGURE) for f in files):
        return "figure building"
    for f in reversed(files):  # the innermost library frame decides the rest
        if any(key in f for key in _PANDAS):
            return "pandas"
        if any(key in f for key in _STREAMLIT):
            return "streamlit"
        if f.startswith(str(REPO_ROOT)):
            return "project python"
    return "other"


def split(session) -> dict[str, float]:
    """Seconds per category of a pyinstrument session."""
    out: Counter = Counter()
    for stack, seconds in session.frame_records:
        out[categorise(stack)] += seconds
    return {name: round(out.get(name, 0.0), 4) for name in CATEGORIES}


def heaviest(session, runs: int, count: int = 8) -> list[dict]:
    """Where the project's code spends the time (ms per run): each sample goes to the
    innermost project line of its stack (a page's own line for what it asks Streamlit
    directly), with the libraries it called. The lines ``python -m bench`` prints for a
    target not met."""
    root = str(REPO_ROOT) + "/"
    total: Counter = Counter()
    for stack, seconds in session.frame_records:
        for frame in reversed(stack):
            parts = frame.split("\x00")
            if len(parts) < 3 or not parts[1].startswith(root) or "/.venv/" in parts[1]:
                continue
            where = parts[1][len(root):]
            if where.startswith(("bench/", "dashboard.py")):
                break
            total[f"{parts[0]}  {where}:{parts[2].split(chr(1))[0]}"] += seconds
            break
    return [{"function": key, "ms_per_run": round(1000 * sec / runs, 1)}
            for key, sec in total.most_common(count)]


class ScriptProfiler:
    """A pyinstrument profiler around the script thread's ``_run_script`` while ``active``."""

    def __init__(self) -> None:
        from pyinstrument import Profiler
        from streamlit.runtime.scriptrunner import script_runner

        self.profiler = Profiler(interval=0.0005, async_mode="disabled")
        self.active = False
        original = script_runner.ScriptRunner._run_script
        me = self

        def run_script(runner, rerun_data):
            if not me.active:
                return original(runner, rerun_data)
            me.profiler.start()
            try:
                return original(runner, rerun_data)
            finally:
                me.profiler.stop()

        script_runner.ScriptRunner._run_script = run_script

    def take(self):
        """The combined session since the last ``take`` (a fresh profiler after)."""
        from pyinstrument import Profiler

        session = self.profiler.last_session
        self.profiler = Profiler(interval=0.0005, async_mode="disabled")
        return session


def profile(path: Path, reps: int, out: Path, pages: tuple[str, ...] = PAGES) -> dict:
    os.environ["COOP_DATA"] = str(path)
    os.environ["COOP_STORE"] = str(path / ".no-store")
    sys.path.insert(0, str(REPO_ROOT))
    _quiet_streamlit()
    from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
    from streamlit.testing.v1 import AppTest

    prof = ScriptProfiler()
    at = AppTest.from_file(str(DASHBOARD), default_timeout=600)
    at.query_params["as_of"] = AS_OF.isoformat()
    at.run()
    slider = at.slider(key="f_years")
    states = filter_states((int(slider.min), int(slider.max)), list(at.multiselect(key="f_inst").options))
    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {"path": str(path), "reps": reps, "pages": {}}
    for page in pages:
        at.switch_page(f"views/{page}.py")
        at.run()
        samples = []
        prof.active = True
        for _ in range(reps):
            years, subset = next(states)
            at.slider(key="f_years").set_value(years)
            at.multiselect(key="f_inst").set_value(subset)
            started = time.perf_counter()
            at.run()
            samples.append(time.perf_counter() - started)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
        prof.active = False
        session = prof.take()
        text = ConsoleRenderer(unicode=False, color=False, show_all=False, time="seconds",
                               short_mode=False).render(session)
        (out / f"{page}.txt").write_text(text, encoding="utf-8")
        (out / f"{page}.html").write_text(HTMLRenderer().render(session), encoding="utf-8")
        parts = split(session)
        total = sum(parts.values()) or 1.0
        summary["pages"][page] = {
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "profiled_s": round(total, 3),
            "split_pct": {k: round(100 * v / total) for k, v in parts.items()},
            "heaviest": heaviest(session, reps),
        }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args(argv)
    summary = profile(args.path.resolve(), args.reps, args.out.resolve(), tuple(args.pages.split(",")))
    print("BENCH-JSON " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
