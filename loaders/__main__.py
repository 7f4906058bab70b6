"""Command line: ``python -m loaders check|clean|synth|add-editor ...`` (see docs/interfaces.md).

    python -m loaders check data            # problems, errors first; exit 1 on any error
    python -m loaders check data --json     # {"errors": [...], "warnings": [...], "fatal": null}
    python -m loaders clean data --out /tmp/clean
    python -m loaders synth --out /tmp/big --visits 1000000 --seed 7 [--with-errors] [--institutions 40]
    python -m loaders add-editor NAME       # moved: python -m datastore add-editor
"""

from __future__ import annotations

import argparse
import json
import sys

from i18n import fmt, t
from loaders.schema import Problem


def problems_summary(errors: int, warnings: int) -> str:
    """"1 error, 3 warnings" (each count by its language's plural rule, i18n.fmt.plural)."""
    return fmt.plural("problem.errors_count", errors) + ", " + fmt.plural("problem.warnings_count", warnings)

def _problem_json(p: Problem) -> dict:
    return {"table": p.table, "row": p.row, "column": p.column, "value": p.value,
            "message": p.message, "code": p.code, "params": p.params}


def _omitted_json(ds) -> list[dict]:
    """Problems counted but not listed (at most loaders.validate.MAX_PROBLEMS_PER_KIND are)."""
    return [{"severity": severity, "table": table, "code": code, "count": count}
            for (severity, table, code), count in sorted(ds.omitted.items())]


def cmd_check(args: argparse.Namespace) -> int:
    from loaders import load_dataset

    ds = load_dataset(args.path)
    if args.json:
        payload = {"errors": [_problem_json(p) for p in ds.errors],
                   "warnings": [_problem_json(p) for p in ds.warnings], "fatal": ds.fatal}
        if ds.omitted:  # only past the cap, so the usual shape stays the documented one
            payload["omitted"] = _omitted_json(ds)
        print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
        return 1 if ds.fatal or ds.errors else 0
    if ds.fatal:
        print(ds.fatal)
        print(t("problem.summary_fatal"))
        return 1
    lines = [p.line() for p in ds.problems]  # errors come first already
    lines += [f"{t('problem.severity.' + severity):<7} {table}: "
              + t("problem.omitted", count=count, table=table, code=code)
              for (severity, table, code), count in sorted(ds.omitted.items())]
    if lines:
        print("\n".join(lines))
    print(problems_summary(ds.error_count, ds.warning_count) + ".")
    return 1 if ds.errors else 0


def cmd_clean(args: argparse.Namespace) -> int:
    from loaders.clean import write_clean

    return write_clean(args.path, args.out)


def cmd_synth(args: argparse.Namespace) -> int:
    from loaders.synth import write_synth

    sizes = write_synth(args.out, visits=args.visits, seed=args.seed,
                        with_errors=args.with_errors, institutions=args.institutions)
    print(t("problem.synth_written", out=args.out, visits=sizes["visits"],
            partners=sizes["partners"]))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "add-editor":
        # Editor accounts live in the store now: point to its command line.
        print("Editors are kept in the data store: use "
              "python -m datastore add-editor NAME [--institution ID ...] [--admin]",
              file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser(prog="python -m loaders",
                                     description="Check, clean or synthesise a dataset.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="list the problems of a dataset")
    check.add_argument("path")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_check)
    clean = sub.add_parser("clean", help="write the clean tables as CSV")
    clean.add_argument("path")
    clean.add_argument("--out", required=True)
    clean.set_defaults(func=cmd_clean)
    synth = sub.add_parser("synth", help="write a synthetic contract-valid dataset")
    synth.add_argument("--out", required=True)
    synth.add_argument("--visits", type=int, default=1000)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--with-errors", action="store_true")
    synth.add_argument("--institutions", type=int, default=5,
                       help="number of home institutions (the first five always the same)")
    synth.set_defaults(func=cmd_synth)
    sub.add_parser("add-editor", help="moved to: python -m datastore add-editor")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
