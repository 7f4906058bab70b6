"""``python -m bench.hostile``: the big hostile cases, kept out of ``make test``.

    python -m bench.hostile --rows 1000000 [--out bench/.data/hostile]

1. An all-error visits table of ``--rows`` rows (every number, date and word wrong):
   ``check`` must keep at most MAX_PROBLEMS_PER_KIND problems of a kind and count the
   rest, in bounded memory.
2. A 10 KB workbook with a styled cell at XFD1048576: read in seconds, not 40 minutes.

Each case runs in its own subprocess (its peak memory its own); prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "tests"))


def _all_error_folder(folder: Path, rows: int) -> Path:
    import hostile

    hostile.write_folder(folder)
    header = hostile.rows("visits")[0]
    with open(folder / "visits.csv", "w", encoding="utf-8") as out:
        out.write(",".join(header) + "\n")
        for i in range(rows):
            # every column wrong: unknown refs, words, dates, numbers
            out.write(f"v{i},ix,px,sideways,juggling,2024-13-45,1e400,many\n")
    return folder


def _wide_book(path: Path) -> Path:
    import hostile
    from openpyxl.styles import Font

    book = hostile.workbook(None)
    book["visits"]["XFD1048576"].font = Font(bold=True)
    book.save(path)
    return path


def _measure(path: Path) -> dict:
    """Load ``path`` in this process; time, peak memory and the problem counts."""
    from loaders import load_dataset

    started = time.perf_counter()
    ds = load_dataset(path)
    seconds = time.perf_counter() - started
    return {"path": str(path), "seconds": round(seconds, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "fatal": ds.fatal, "listed": len(ds.problems), "errors": ds.error_count,
            "omitted": sum(ds.omitted.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / ".data" / "hostile")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    cases = [_all_error_folder(args.out / f"all-error-{args.rows}", args.rows),
             _wide_book(args.out / "xfd1048576.xlsx")]
    for case in cases:
        done = subprocess.run([sys.executable, "-m", "bench.hostile", "--measure", str(case)],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=3600)
        print(done.stdout.strip() or done.stderr.strip()[-2000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
