"""``python -m bench.bench_pack``: the evidence pack's time, normal against public edition.

    python -m bench.bench_pack --visits 3000 [--lang ru] [--reps 2]

Builds the pack model and writes the pptx, pdf and xlsx files for a synthetic dataset
(``loaders synth``), once as the normal edition and once as the public one, in the same
process, and prints the seconds of each step and the public/normal ratio (the target is
at most 1.5). The dataset is loaded once, outside the timings.
"""

from __future__ import annotations

import argparse
import io
import json
import time
from datetime import date

from bench.datasets import ensure_dataset


def measure(visits: int, lang: str, reps: int) -> dict:
    from loaders import load_dataset
    from metrics import Scope
    from report.json_report import build_report
    from report.model import build_pack
    from report.pdf import write_pdf
    from report.pptx import write_pptx
    from report.xlsx import write_xlsx

    dataset = load_dataset(ensure_dataset(visits))
    scope = Scope(as_of=date(2025, 6, 30))
    report = build_report(dataset, scope)
    out: dict = {"visits": visits, "lang": lang}
    for public in (False, True):
        best: dict[str, float] = {}
        for _ in range(reps):
            times = {}
            started = time.perf_counter()
            pack = build_pack(dataset, scope, lang, public, report)
            times["model"] = time.perf_counter() - started
            for kind, writer in (("pptx", write_pptx), ("pdf", write_pdf), ("xlsx", write_xlsx)):
                step = time.perf_counter()
                writer(io.BytesIO(), pack)
                times[kind] = time.perf_counter() - step
            times["total"] = time.perf_counter() - started
            best = {k: min(v, best.get(k, v)) for k, v in times.items()}
        out["public" if public else "normal"] = {k: round(v, 2) for k, v in best.items()}
    out["ratio"] = round(out["public"]["total"] / out["normal"]["total"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=3000)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    result = measure(args.visits, args.lang, args.reps)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
