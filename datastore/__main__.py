"""Command line for administrators: the same store, checks and rights as the Data page.

    python -m datastore add-editor NAME [--institution ID ...] [--admin] [--password-stdin]
    python -m datastore disable-editor NAME      (logins refused, sessions ended)
    python -m datastore remove-editor NAME       (account deleted, sessions ended)
    python -m datastore template --lang ru --out template.xlsx
    python -m datastore publish FILE --editor NAME --password-stdin [--note TEXT]
                        [--resolve theirs|mine] [--replace TABLE ...]
    python -m datastore history
    python -m datastore row-history TABLE ID
    python -m datastore restore-row TABLE ID VERSION --editor NAME --password-stdin
    python -m datastore diff A B
    python -m datastore rollback N --editor NAME --password-stdin [--note TEXT]
    python -m datastore export [--version N] --out DIR|FILE.xlsx
    python -m datastore upgrade
    python -m datastore attach TABLE ROW_ID FILE --title T --kind K [--public]
                        --editor NAME --password-stdin [--note TEXT]

Exit status 0 when done, 1 with the reason on stderr (problems, refused rows, a wrong
password), 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
from pathlib import Path

from datastore import db, security
from datastore.rows import table_names
from datastore.store import (
    Invalid,
    MergeConflict,
    PublishConflict,
    Refused,
    Store,
    StoreError,
)
from i18n import LANGUAGES, fmt, t
from loaders.schema import DOCUMENT_KINDS
from metrics.documents import ATTACHABLE_TABLES

# The language of the messages: --lang before the command, else COOP_LANG, else English.
_LANG = "en"


def _say(key: str, **values: object) -> str:
    """The message ``cli.<key>`` in the command line's language."""
    return t("cli." + key, _LANG, **values)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _client() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "cli"


def _password(args: argparse.Namespace, prompt: str) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def _logged_in(store: Store, args: argparse.Namespace) -> bool:
    password = _password(args, _say("password_prompt", name=args.editor))
    result = security.login(store, args.editor, password or "", _client())
    if result.ok:
        return True
    if result.code == "locked":
        _err(_say("locked", seconds=result.seconds_left))
    elif result.code == "disabled":
        _err(_say("disabled", name=args.editor))
    elif result.code == "no_editors":
        _err(_say("no_editors"))
    else:
        _err(_say("wrong_password"))
    return False


def cmd_add_editor(args: argparse.Namespace) -> int:
    store = Store()
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(_say("password_prompt", name=args.name))
            again = getpass.getpass(_say("password_again"))
        except (EOFError, KeyboardInterrupt):
            _err(_say("cancelled"))
            return 1
        if password != again:
            _err(_say("passwords_differ"))
            return 1
    existed = security.account(store, args.name) is not None
    try:
        security.add_editor(store, args.name, password, args.institution or (), args.admin,
                            client=_client())
    except ValueError as exc:
        _err(_say("not_saved", reason=exc))
        return 1
    rights = (_say("rights_admin") if args.admin else
              _say("rights_editor", institutions=", ".join(sorted(set(args.institution)))))
    ended = _say("sessions_end") if existed else ""
    print(_say("editor_saved", name=args.name, rights=rights, ended=ended))
    return 0


def cmd_disable_editor(args: argparse.Namespace) -> int:
    if not security.disable_editor(Store(), args.name, client=_client()):
        _err(_say("no_editor", name=args.name))
        return 1
    print(_say("editor_disabled", name=args.name))
    return 0


def cmd_remove_editor(args: argparse.Namespace) -> int:
    if not security.remove_editor(Store(), args.name, client=_client()):
        _err(_say("no_editor", name=args.name))
        return 1
    print(_say("editor_removed", name=args.name))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from datastore.template import template_workbook

    Path(args.out).write_bytes(template_workbook(args.lang))
    print(_say("template_written", language=args.lang, out=args.out))
    return 0


def _print_problems(problems) -> None:
    for p in problems:
        _err(p.line(_LANG))


def cmd_publish(args: argparse.Namespace) -> int:
    from datastore.upload import UploadRejected, read_upload
    from loaders import load_dataset

    store = Store()
    source = Path(args.file)
    if not source.exists():
        _err(_say("no_file", file=source))
        return 1
    if not _logged_in(store, args):
        return 1
    expected = store.current()
    staging = store.new_staging()
    try:
        if source.is_dir():
            shutil.copytree(source, staging, dirs_exist_ok=True)
        else:
            read_upload(source.name, source.read_bytes(), staging)
        dataset = load_dataset(staging)
        if dataset.fatal:
            _err(dataset.fatal)
            return 1
        if dataset.errors:
            _print_problems(dataset.errors)
            _err(fmt.plural("cli.errors_nothing_published", len(dataset.errors), _LANG,
                            count=len(dataset.errors)))
            return 1
        version = store.publish(staging, editor=args.editor, note=args.note or "",
                                expected_current=expected, source_name=source.name,
                                client=_client(), resolve=args.resolve,
                                replace=args.replace or ())
    except UploadRejected as exc:
        _err(str(exc))
        return 1
    except Refused as exc:
        return _refused(args.editor, exc)
    except Invalid as exc:
        _print_problems(exc.problems)
        return 1
    except MergeConflict as exc:
        return _conflicts(exc)
    except PublishConflict as exc:
        _err(str(exc))
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(_say("published", number=version.number, counts=_counts(version.counts)))
    merge = version.extra.get("merge", {})
    kept = "; ".join(f"{t} {n}" for t, n in (merge.get("kept_newer") or {}).items())
    if kept:
        print(_say("kept_newer", base=merge.get("base_version"), kept=kept))
    return 0


def _conflicts(exc: MergeConflict) -> int:
    """List the rows changed both in the file and since its base; nothing was saved."""
    base = exc.plan.base_version
    _err(fmt.plural("cli.conflicts", len(exc.conflicts), _LANG, count=len(exc.conflicts), base=base))
    for c in exc.conflicts:
        who = _say("conflict_who", version=c.version, editor=c.editor) if c.version else ""
        _err(f"  {c.table} {c.key}: {_say('conflict.' + c.kind)}{who}")
        for column, was, theirs, mine in c.fields():
            _err(_say("conflict_field", column=column, was=repr(was), theirs=repr(theirs),
                      mine=repr(mine)))
    _err(_say("conflict_hint"))
    return 1


def cmd_attach(args: argparse.Namespace) -> int:
    """Keep FILE as evidence of one row (datastore.attachments), as a new version."""
    from datastore.attachments import attach
    from datastore.upload import UploadRejected

    store = Store()
    source = Path(args.file)
    if not source.is_file():
        _err(_say("no_file", file=source))
        return 1
    if not _logged_in(store, args):
        return 1
    try:
        version = attach(store, args.table, args.row_id, source.name, source.read_bytes(),
                         title=args.title, kind=args.kind, public=args.public, editor=args.editor,
                         expected_current=store.current(), author=args.author or "",
                         published_on=args.date or "", note=args.note or "", client=_client())
    except UploadRejected as exc:
        _err(str(exc))
        return 1
    except Refused as exc:
        return _refused(args.editor, exc)
    except (StoreError, PublishConflict) as exc:
        _err(str(exc))
        return 1
    print(_say("attached", file=source.name, table=args.table, row=args.row_id,
               number=version.number))
    return 0


def _refused(editor: str, exc: Refused) -> int:
    """Say which rows ``editor`` may not change (nothing was saved); the exit code."""
    _err(_say("refused", editor=editor))
    for table, key in exc.rows:
        _err(f"  {table} {key}")
    return 1


def _counts(counts: dict) -> str:
    parts = [f"{t} +{c['added']} ~{c['changed']} -{c['removed']}"
             for t, c in counts.items() if any(c.values())]
    return "; ".join(parts) or _say("no_changes")


def cmd_history(args: argparse.Namespace) -> int:
    store = Store()
    current = store.current()
    versions = store.history()
    if not versions:
        print(_say("history_empty", base=store.base))
        return 0
    for v in versions:
        mark = "*" if v.number == current else " "
        what = (_say("history_restored", number=v.restored_from) if v.action == "rollback"
                else v.action)
        print(f"{mark}{v.number:>4}  {v.created_at}  {v.editor:<12} {what:<12} "
              f"{_changes(v)}  {v.note}")
    return 0


def _changes(v) -> str:
    """What a version changed: its rows and its publication exports."""
    rows = _counts(v.counts) if any(any(c.values()) for c in v.counts.values()) else ""
    pubs = v.extra.get("publications") or {}
    where = pubs.get("by_institution") or {}
    anywhere = _say("any_institution")
    files = [f"+{n} ({where.get(n) or pubs.get('institution_id') or anywhere})"
             for n in pubs.get("added", [])]
    files += [f"-{n} ({where.get(n) or pubs.get('institution_id') or anywhere})"
              for n in pubs.get("removed", [])]
    exports = _say("publication_exports", files=" ".join(files)) if files else ""
    return "; ".join(p for p in (rows, exports) if p) or _say("no_changes")


def cmd_diff(args: argparse.Namespace) -> int:
    store = Store()
    try:
        diffs = store.diff(args.a, args.b)
    except StoreError as exc:
        _err(str(exc))
        return 1
    for table, d in diffs.items():
        if not d.has_changes:
            continue
        print(_say("diff_counts", table=table, added=len(d.added), changed=len(d.changed),
                   removed=len(d.removed)))
        for key in d.added_keys:
            print(f"  + {key}")
        for change in d.changed:
            fields = ", ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in change.fields.items())
            print(f"  ~ {change.key}: {fields}")
        for key in d.removed_keys:
            print(f"  - {key}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    store = Store()
    if not _logged_in(store, args):
        return 1
    try:
        version = store.rollback(args.number, editor=args.editor, note=args.note or "",
                                 expected_current=store.current(), client=_client())
    except Refused as exc:
        return _refused(args.editor, exc)
    except StoreError as exc:
        _err(str(exc))
        return 1
    print(_say("rolled_back", number=args.number, new=version.number,
               counts=_counts(version.counts)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from datastore.template import dataset_workbook

    store = Store()
    number = args.version or store.current()
    out = Path(args.out)
    if number is None:
        return _export_base(store, out)
    try:
        if out.suffix.lower() == ".xlsx":
            folder = store.new_staging()
            try:
                store.write_folder(number, folder)
                out.write_bytes(dataset_workbook(folder))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        else:
            store.write_folder(number, out)
    except StoreError as exc:
        _err(str(exc))
        return 1
    print(_say("exported", number=number, out=out))
    return 0


def _export_base(store: Store, out: Path) -> int:
    """Nothing saved yet: export the data shown, the files of COOP_DATA (no base version,
    so publishing the file later adds and changes rows but removes none)."""
    from datastore.rows import frames_from_folder
    from datastore.template import dataset_workbook

    try:
        frames, _ = frames_from_folder(store.base)
    except StoreError as exc:
        _err(_say("base_unreadable", base=store.base, error=exc))
        return 1
    if out.suffix.lower() == ".xlsx":
        folder = store.new_staging()
        try:
            for table, frame in frames.items():
                frame.to_csv(folder / f"{table}.csv", index=False, encoding="utf-8")
            out.write_bytes(dataset_workbook(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    else:
        out.mkdir(parents=True, exist_ok=True)
        for table, frame in frames.items():
            frame.to_csv(out / f"{table}.csv", index=False, encoding="utf-8")
    print(_say("base_exported", base=store.base, out=out))
    return 0


def cmd_row_history(args: argparse.Namespace) -> int:
    from datastore.rowhistory import row_history

    try:
        steps = row_history(Store(), args.table, args.id)
    except StoreError as exc:
        _err(str(exc))
        return 1
    for step in steps:
        print(f"{step.version:>5}  {step.created_at}  {step.editor:<12} {step.action:<12} "
              f"{step.kind}{'  ' + step.note if step.note else ''}")
        for column, old, new in step.fields:
            typed = step.typed.get(column)
            shown = (_say("typed", typed=repr(typed)) if typed is not None and typed != new
                     else "")
            print(f"         {column}: {old!r} -> {new!r}{shown}")
    return 0


def cmd_restore_row(args: argparse.Namespace) -> int:
    from datastore.rowhistory import restore_row

    store = Store()
    if not _logged_in(store, args):
        return 1
    try:
        version = restore_row(store, args.table, args.id, args.version, editor=args.editor,
                              note=args.note or "", client=_client())
    except Refused as exc:
        return _refused(args.editor, exc)
    except Invalid as exc:
        _print_problems(exc.problems)
        return 1
    except StoreError as exc:
        _err(str(exc))
        return 1
    print(_say("row_restored", table=args.table, id=args.id, version=args.version,
               number=version.number))
    return 0


def cmd_upgrade(args: argparse.Namespace) -> int:
    """Bring the store's database to the newest schema (the app does so on start too)."""
    from sqlalchemy import create_engine

    from datastore import migrations

    url = db.database_url()
    file = db.sqlite_file(url)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)  # not engine_for: that upgrades already, silently
    try:
        before, after = migrations.upgrade(engine)
    except Exception as exc:  # noqa: BLE001 - any database error: said in one line
        _err(_say("upgrade_failed", error=exc))
        return 1
    finally:
        engine.dispose()
    if before == after:
        print(_say("up_to_date", revision=after))
    else:
        print(_say("upgraded", before=before or _say("revision_none"), after=after))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m datastore",
                                     description="The data store: editors, publish, history.")
    parser.add_argument("--lang", dest="ui_lang", choices=LANGUAGES,
                        help="the language of the messages (default: COOP_LANG, else en)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add-editor", help="create or replace an editor")
    p.add_argument("name")
    p.add_argument("--institution", action="append", default=[], metavar="ID",
                   help="an institution_id the editor may change (repeat for more)")
    p.add_argument("--admin", action="store_true", help="may change every row")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_add_editor)
    p = sub.add_parser("disable-editor", help="refuse an editor's logins, end their sessions")
    p.add_argument("name")
    p.set_defaults(func=cmd_disable_editor)
    p = sub.add_parser("remove-editor", help="delete an editor, end their sessions")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove_editor)
    p = sub.add_parser("template", help="write the empty workbook to fill in")
    p.add_argument("--lang", default="en", choices=("en", "ru", "uz"))
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_template)
    for name, func in (("publish", cmd_publish), ("rollback", cmd_rollback)):
        p = sub.add_parser(name)
        if name == "publish":
            p.add_argument("file", help=".xlsx, .zip of CSV files, or a folder")
        else:
            p.add_argument("number", type=int)
        p.add_argument("--editor", required=True)
        p.add_argument("--password-stdin", action="store_true")
        p.add_argument("--note")
        if name == "publish":
            p.add_argument("--resolve", choices=("theirs", "mine"),
                           help="settle every conflict: keep the stored row (theirs) or "
                                "take the file's (mine)")
            p.add_argument("--replace", action="append", metavar="TABLE",
                           choices=list(table_names()),
                           help="a file without a base version: remove the TABLE rows it "
                                "does not have (repeat for more tables)")
        p.set_defaults(func=func)
    sub.add_parser("history").set_defaults(func=cmd_history)
    p = sub.add_parser("diff")
    p.add_argument("a", type=int)
    p.add_argument("b", type=int)
    p.set_defaults(func=cmd_diff)
    p = sub.add_parser("row-history", help="every version of one row")
    p.add_argument("table", choices=list(table_names()))
    p.add_argument("id", help="the row's key (e.g. a visit_id) or its row id")
    p.set_defaults(func=cmd_row_history)
    p = sub.add_parser("restore-row", help="put one row back as it was in a version")
    p.add_argument("table", choices=list(table_names()))
    p.add_argument("id", help="the row's key (e.g. a visit_id) or its row id")
    p.add_argument("version", type=int)
    p.add_argument("--editor", required=True)
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--note")
    p.set_defaults(func=cmd_restore_row)
    sub.add_parser("upgrade", help="bring the database to the newest schema").set_defaults(
        func=cmd_upgrade)
    p = sub.add_parser("attach", help="keep a file as evidence of one row")
    p.add_argument("table", choices=ATTACHABLE_TABLES)
    p.add_argument("row_id", help="the row's id (students: its row number N or students:N)")
    p.add_argument("file", help="PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)")
    p.add_argument("--title", required=True)
    p.add_argument("--kind", required=True, choices=DOCUMENT_KINDS)
    p.add_argument("--public", action="store_true",
                   help="may leave the institution with the public edition of the pack")
    p.add_argument("--author")
    p.add_argument("--date", help="the document's date: YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--editor", required=True)
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--note")
    p.set_defaults(func=cmd_attach)
    p = sub.add_parser("export")
    p.add_argument("--version", type=int)
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)
    from datastore.iia_cli import add_parsers  # IIA files, the renewal calendar and digest

    add_parsers(sub, logged_in=_logged_in, client=_client, refused=_refused)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    global _LANG
    _LANG = args.ui_lang = _language(args.ui_lang)
    try:
        return args.func(args)
    except StoreError as exc:  # a disk that is full, a damaged database: said plainly
        _err(str(exc))
        return 1
    except Exception as exc:
        kind = db.failure_kind(exc)
        if kind is None:
            raise
        _err(_say("disk_full" if kind == "disk_full" else "database_damaged"))
        return 1


def _language(chosen: str | None) -> str:
    """The messages' language: the --lang option, else COOP_LANG, else English."""
    lang = chosen or os.environ.get("COOP_LANG", "").strip().lower()
    return lang if lang in LANGUAGES else "en"


def run() -> int:
    """``main`` for a terminal: output piped into ``head`` that closes early ends quietly."""
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away: nothing more can be printed; flushing again at exit would
        # raise a second time, so stdout points at /dev/null from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(run())
