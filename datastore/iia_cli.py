"""``python -m datastore iia import|export`` and ``calendar``: the command lines of
Erasmus IIA files and renewal reminders (docs/agreements.md).

    python -m datastore iia import FILE.xml --institution ID --editor NAME --password-stdin
        [--our-hei-id HEI] [--partner HEI=PARTNER_ID ...] [--new-partner "HEI=NAME;ISO3[;CITY]" ...]
        [--dry-run]
    python -m datastore iia export AGREEMENT_ID --out FILE.xml
    python -m datastore calendar --institution ID --out FILE.ics
    python -m datastore digest --institution ID --to ADDRESS [--to ...]   (SMTP from COOP_SMTP_*)
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from i18n import t


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _say(args: argparse.Namespace, key: str, **values: object) -> str:
    """The message ``cli.<key>`` in the language ``python -m datastore`` chose (--lang,
    COOP_LANG, else English)."""
    return t("cli." + key, getattr(args, "ui_lang", None) or "en", **values)


def _shown_tables() -> dict:
    """The clean tables the app shows (the store's current version, else COOP_DATA)."""
    from datastore import active_dataset_path
    from loaders import load_dataset

    return load_dataset(active_dataset_path()).tables


def _pairs(args: argparse.Namespace, values: list[str], flag: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise ValueError(_say(args, "pair_format", flag=flag, value=repr(value)))
        out[key.strip()] = rest.strip()
    return out


def cmd_iia_import(args: argparse.Namespace) -> int:
    from datastore.iia import IiaError
    from datastore.iia_store import apply_plans, plan_import
    from datastore.store import Invalid, PublishConflict, Refused, Store

    source = Path(args.file)
    if not source.is_file():
        _err(_say(args, "no_file", file=source))
        return 1
    try:
        mapping = _pairs(args, args.partner, "--partner")
        created = {}
        for hei, cells in _pairs(args, args.new_partner, "--new-partner").items():
            parts = [p.strip() for p in cells.split(";")]
            if len(parts) < 2:
                raise ValueError(_say(args, "new_partner_format", hei=hei))
            created[hei] = {"name": parts[0], "country": parts[1], "city": parts[2] if len(parts) > 2 else ""}
    except ValueError as exc:
        _err(str(exc))
        return 2
    if not args.dry_run and not args.editor:
        _err(_say(args, "editor_needed"))
        return 2
    store = Store()
    if not args.dry_run and not args.logged_in(store, args):
        return 1
    current = store.current()
    if current is None:  # nothing saved yet: the base data (the first save imports it)
        from datastore.rows import frames_from_folder

        frames = frames_from_folder(store.base)[0]
    else:
        frames = store.frames(current)
    try:
        plans = plan_import(source.read_bytes(), frames, args.institution, source.name,
                            args.our_hei_id or "", mapping, created)
    except IiaError as exc:
        _err(str(exc))
        return 1
    unmapped = [p for p in plans if p.partner_id is None]
    for plan in plans:
        print(plan.summary())
        for name, before, after in plan.changes:
            print(f"  {name}: {before!r} -> {after!r}")
    if unmapped:
        for plan in unmapped:
            _err(_say(args, "unmapped_partner", hei=plan.partner_hei))
        return 1
    if args.dry_run or all(p.unchanged for p in plans):
        print(_say(args, "nothing_saved" if args.dry_run else "file_changes_nothing"))
        return 0
    try:
        version = store.publish(apply_plans(frames, plans), editor=args.editor,
                                note=args.note or f"IIA file {source.name}", expected_current=current,
                                source_name=source.name, client=args.client())
    except Refused as exc:
        return args.refused(args.editor, exc)
    except Invalid as exc:
        for problem in exc.problems:
            _err(problem.line(getattr(args, "ui_lang", None)))
        return 1
    except PublishConflict as exc:
        _err(str(exc))
        return 1
    print(_say(args, "saved_as", number=version.number))
    return 0


def cmd_iia_export(args: argparse.Namespace) -> int:
    from datastore.iia import IiaError
    from datastore.iia_store import export_agreement

    try:
        data = export_agreement(_shown_tables(), args.agreement_id)
    except IiaError as exc:
        _err(str(exc))
        return 1
    Path(args.out).write_bytes(data)
    print(_say(args, "iia_exported", agreement=args.agreement_id, out=args.out))
    return 0


def cmd_calendar(args: argparse.Namespace) -> int:
    from datastore.reminders import calendar_ics

    tables = _shown_tables()
    if args.institution not in set(tables["institutions"]["institution_id"].astype(str)):
        _err(_say(args, "no_institution", institution=args.institution))
        return 1
    Path(args.out).write_bytes(calendar_ics(tables, args.institution, args.lang))
    print(_say(args, "reminders_written", institution=args.institution, out=args.out))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from datastore.reminders import SmtpSettings, send_digest

    settings = SmtpSettings.from_env()
    if settings is None:
        _err(_say(args, "no_smtp"))
        return 1
    tables = _shown_tables()
    if args.institution not in set(tables["institutions"]["institution_id"].astype(str)):
        _err(_say(args, "no_institution", institution=args.institution))
        return 1
    try:
        send_digest(settings, tables, args.institution, args.to, args.lang, date.today())
    except OSError as exc:
        _err(_say(args, "email_failed", error=exc))
        return 1
    print(_say(args, "digest_sent", institution=args.institution, to=", ".join(args.to)))
    return 0


def add_parsers(sub: Any, **helpers: Any) -> None:
    """The ``iia``, ``calendar`` and ``digest`` commands, added to ``python -m datastore``.

    ``helpers`` are the main command line's ``logged_in``, ``client`` and ``refused`` (passed
    in, so this module need not import it)."""
    iia = sub.add_parser("iia", help="Erasmus inter-institutional agreement files (EWP v7)")
    verbs = iia.add_subparsers(dest="iia_command", required=True)
    p = verbs.add_parser("import", help="read an IIA file into the store")
    p.add_argument("file")
    p.add_argument("--institution", required=True, metavar="ID")
    p.add_argument("--editor", help="needed to save")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--note")
    p.add_argument("--our-hei-id", metavar="HEI", help="the institution's EWP id when its row has none")
    p.add_argument("--partner", action="append", default=[], metavar="HEI=PARTNER_ID")
    p.add_argument("--new-partner", action="append", default=[], metavar="HEI=NAME;COUNTRY[;CITY]")
    p.add_argument("--dry-run", action="store_true", help="show what would change, save nothing")
    p.set_defaults(func=cmd_iia_import, **helpers)
    p = verbs.add_parser("export", help="write one agreement as an IIA v7 file")
    p.add_argument("agreement_id")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_iia_export)
    for name, func in (("calendar", cmd_calendar), ("digest", cmd_digest)):
        p = sub.add_parser(name, help="agreements' expiries and next actions " +
                           ("as an iCalendar file" if name == "calendar" else "by e-mail"))
        p.add_argument("--institution", required=True, metavar="ID")
        p.add_argument("--lang", default="en", choices=("en", "ru", "uz"))
        if name == "calendar":
            p.add_argument("--out", required=True)
        else:
            p.add_argument("--to", action="append", required=True, metavar="ADDRESS")
        p.set_defaults(func=func)
