"""python -m report PATH --out FILE [flags]: the figures of a scope as JSON, xlsx, pptx or pdf.

Exit status 0 on success, 1 on a fatal dataset problem or a bad flag, with one clear
message on stderr (never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from metrics.tables import EVENT_TABLES

if TYPE_CHECKING:  # the CLI imports pandas and metrics only once its flags are read
    import pandas as pd

    from metrics.scope import Scope
    from report.model import Pack
    from research import Research

    Tables = dict[str, pd.DataFrame]

EXPORTS = {".xlsx": "xlsx", ".pptx": "pptx", ".pdf": "pdf"}
SUFFIXES = (".json", *EXPORTS, ".zip")


class BadFlag(Exception):
    """A flag the command cannot use; its text is the message shown."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2; the interface says 1
        raise BadFlag(message)


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {text!r}") from None
    if not 1900 <= year <= 2200:
        raise argparse.ArgumentTypeError(f"not a plausible year: {text!r}")
    return year


def _as_of(text: str) -> date:
    from metrics.scope import AS_OF_MAX, AS_OF_MIN, as_of_supported  # lazily, see above

    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None
    if not as_of_supported(day):
        raise argparse.ArgumentTypeError(
            f"{text} is outside the dates the figures support "
            f"({AS_OF_MIN.isoformat()} to {AS_OF_MAX.isoformat()})")
    return day


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m report", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=None,
                        help="dataset: a folder of CSVs or an .xlsx workbook")
    parser.add_argument("--store", action="store_true",
                        help="the data store's current version instead of a path")
    parser.add_argument("--out", required=True,
                        help="output file (.json, .xlsx, .pptx or .pdf), or an existing folder "
                             "with --format: the file is then named "
                             "<institutions>_<scope>_<lang>_<as-of>[_public].<ext>")
    parser.add_argument("--format", choices=("json", "xlsx", "pptx", "pdf", "zip"), default=None,
                        help="with --out FOLDER: which file to write")
    parser.add_argument("--as-of", type=_as_of, default=None, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--institution", action="append", default=[], help="institution id")
    parser.add_argument("--from", dest="year_from", type=_year, default=None)
    parser.add_argument("--to", dest="year_to", type=_year, default=None)
    parser.add_argument("--country", action="append", default=[], help="ISO code or name")
    parser.add_argument("--region", action="append", default=[], help="e.g. 'Central Asia'")
    parser.add_argument("--faculty", action="append", default=[])
    parser.add_argument("--partner-type", action="append", default=[])
    parser.add_argument("--lang", choices=("en", "ru", "uz"), default="en")
    parser.add_argument("--public", action="store_true", help="leave personal names out")
    parser.add_argument("--with-documents", action="store_true",
                        help="with --out PACK.zip: add an evidence/ folder with the cited documents' "
                             "kept files and an index (public edition: public documents only)")
    parser.add_argument("--publications", action="append", default=[],
                        metavar="FILE[:INSTITUTION]",
                        help="a Scopus / Web of Science / OpenAlex export (repeatable); "
                             "FILE:INSTITUTION (id or short name) when it is that "
                             "institution's own export, so all its papers count for it")
    return parser


def _resolve_institutions(wanted: list[str], institutions: pd.DataFrame) -> frozenset[str]:
    """Ids from ids or short names (case-insensitive); BadFlag for an unknown one."""
    by_key: dict[str, str] = {}
    for row in institutions.itertuples(index=False):
        for key in (row.institution_id, getattr(row, "short_name", None)):
            if isinstance(key, str):
                by_key.setdefault(key.strip().casefold(), row.institution_id)
    ids = set()
    for text in wanted:
        found = by_key.get(text.strip().casefold())
        if found is None:
            known = ", ".join(sorted(institutions["institution_id"].astype(str)))
            raise BadFlag(f"unknown institution {text!r} (known: {known})")
        ids.add(found)
    return frozenset(ids)


def _resolve_faculties(wanted: list[str], tables: Tables) -> frozenset[str]:
    """The dataset's spelling of each faculty (case-insensitive); unknown kept as given."""
    spellings: dict[str, str] = {}
    for name in EVENT_TABLES:
        frame = tables.get(name)
        if frame is not None and "faculty" in frame.columns:
            for item in frame["faculty"].explode().dropna().unique():
                spellings.setdefault(str(item).casefold(), str(item))
    return frozenset(spellings.get(text.strip().casefold(), text.strip()) for text in wanted)


def build_scope(args: argparse.Namespace, tables: Tables) -> Scope:
    """The Scope the flags describe; BadFlag for anything it cannot use."""
    from metrics.regions import find_region
    from metrics.scope import Scope
    from places.countries import normalize_country

    if args.year_from is not None and args.year_to is not None and args.year_from > args.year_to:
        raise BadFlag(f"--from {args.year_from} is after --to {args.year_to}")
    countries = set()
    for text in args.country:
        code = normalize_country(text)
        if code is None:
            raise BadFlag(f"unknown country {text!r} (use an ISO code or a country name)")
        countries.add(code)
    regions = set()
    for text in args.region:
        region = find_region(text)
        if region is None:
            raise BadFlag(
                f"unknown region {text!r} (e.g. 'Central Asia', 'Europe', 'Eastern Asia')"
            )
        regions.add(region)
    from loaders.schema import PARTNER_TYPES as known_types  # the contract's words

    partner_types = set()
    for text in args.partner_type:
        canonical = "_".join(text.strip().lower().replace("-", " ").split())
        if canonical not in known_types:
            raise BadFlag(f"unknown partner type {text!r} (one of: {', '.join(known_types)})")
        partner_types.add(canonical)
    return Scope(
        institutions=_resolve_institutions(args.institution, tables["institutions"]),
        year_from=args.year_from,
        year_to=args.year_to,
        countries=frozenset(countries),
        regions=frozenset(regions),
        faculties=_resolve_faculties(args.faculty, tables),
        partner_types=frozenset(partner_types),
        as_of=args.as_of or date.today(),
    )


def _writer(kind: str) -> Callable[..., object] | None:
    module_name = f"report.{kind}"
    if importlib.util.find_spec(module_name) is None:
        return None
    return getattr(importlib.import_module(module_name), f"write_{kind}", None)


def _zip_writer(with_documents: bool) -> Callable[..., object]:
    """Writes the three files of the pack (and its evidence folder) into one zip."""
    from report.evidence import pack_files, write_zip

    writers = {suffix: w for suffix, kind in EXPORTS.items() if (w := _writer(kind)) is not None}

    def write(out: Path, pack: Pack) -> None:
        write_zip(out, pack, with_documents, pack_files(pack, writers))

    return write


def _has_publications(path: str) -> bool:
    from research import publications_dir

    return publications_dir(path).is_dir()


def _research(args: argparse.Namespace, tables: Tables) -> Research:
    """The dataset's publications/ folder plus the --publications files, read and matched."""
    import research

    given = [_export_flag(text, tables) for text in args.publications]
    files, problems = research.publication_files(args.path, tables)
    return research.load_research(tables, [*files, *given], problems)


def _export_flag(text: str, tables: Tables) -> tuple[str, str]:
    """``FILE`` or ``FILE:INSTITUTION`` as (file, owner institution_id or ""); a file whose
    own name holds a ":" is taken whole when it exists."""
    if Path(text).is_file():
        return text, ""
    name, sep, owner = text.rpartition(":")
    if not sep or not Path(name).is_file():
        raise BadFlag(f"--publications: no file at {text}")
    try:
        (found,) = _resolve_institutions([owner], tables["institutions"])
    except BadFlag as exc:
        raise BadFlag(f"--publications {text}: {exc}") from None
    return name, found


def _publications(res: Research, tables: Tables, scope: Scope) -> dict:
    """The "publications" block of the JSON report (the pack's research section says the same)."""
    from research import figures

    summary = figures.summary(res, tables, scope)
    irn = figures.irn(res, tables, scope)
    return {
        "papers": summary["papers"], "with_affiliations": summary["with_affiliations"],
        "international": summary["international"], "international_share": summary["international_share"],
        "countries": summary["countries"], "irn": irn["irn"],
        "irn_p": sorted(irn["institutions"]["org_name"]), "irn_countries": irn["countries"],
        "irn_years": list(irn["window"]),
        "evidence": {"papers": summary["evidence"]["papers"], "international": summary["evidence"]["international"],
                     "irn_p": {name: ids for name, ids in zip(irn["institutions"]["org_name"],
                                                             irn["institutions"]["paper_ids"], strict=True)}},
        "problems": {"errors": len([p for p in res.problems if p.severity == "error"]),
                     "warnings": len([p for p in res.problems if p.severity == "warning"]),
                     "unattributed_papers": len(res.unattributed)},
    }


def run(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    out = Path(args.out)
    folder = out.is_dir()
    if folder and args.format is None:
        raise BadFlag(f"--out {out} is a folder: add --format json|xlsx|pptx|pdf")
    suffix = f".{args.format}" if folder else out.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadFlag(f"--out must end in {', '.join(SUFFIXES)}, not {out.name!r}")
    if args.with_documents and suffix != ".zip":
        raise BadFlag("--with-documents needs --out PACK.zip (the pack and its evidence/ folder)")
    writer = None
    if suffix == ".zip":
        writer = _zip_writer(args.with_documents)
    elif suffix in EXPORTS:
        writer = _writer(EXPORTS[suffix])
        if writer is None:
            raise BadFlag(f"{suffix} export is not available yet; use .json")

    from loaders import load_dataset
    from report.json_report import build_report
    from report.model import build_pack, file_stem

    if args.store == bool(args.path):
        raise BadFlag("give a dataset path or --store (one of them)")
    if args.store:
        from datastore.store import Store, StoreUnavailable

        try:
            args.path = str(Store().active_path())
        except StoreUnavailable as exc:  # never the base data in its place
            raise BadFlag("the data store is unavailable: " + (
                "its database is damaged; restore it from a backup" if exc.kind == "damaged"
                else "the disk is full")) from exc
    if not Path(args.path).exists():
        raise BadFlag(f"no dataset at {args.path}")
    dataset = load_dataset(args.path)
    if dataset.fatal:
        raise BadFlag(dataset.fatal)
    scope = build_scope(args, dataset.tables)
    report = build_report(dataset, scope, public=args.public, lang=args.lang)
    res = None
    if args.publications or _has_publications(args.path):
        res = _research(args, dataset.tables)
        if writer is None:
            report["publications"] = _publications(res, dataset.tables, scope)
            from metrics.rankings import rankings_json
            from report.rankings import rankings_for

            report["rankings"] = rankings_json(rankings_for(dataset.tables, scope, res))

    if folder:
        out = out / (file_stem(scope, dataset.tables, args.lang, args.public) + suffix)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if writer is None:
            out.write_text(
                json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8"
            )
        else:
            pack = build_pack(dataset, scope, args.lang, args.public, report,
                              as_of_default=args.as_of is None, research=res)
            writer(out, pack)
    except OSError as exc:
        raise BadFlag(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except BadFlag as exc:
        print(f"report: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
