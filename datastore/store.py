"""The version store: every published dataset kept, one current, switched atomically.

Layout (``root`` = env ``COOP_STORE``, default ``<repo>/store``)::

    store/CURRENT              "3"   (the published version; replaced atomically)
    store/versions/1/          TABLE.csv files + manifest.json (never changed again)
    store/versions/2/ ...
    store/staging/<id>/        uploads being checked (not yet published)
    store/.lock                exclusive lock held while publishing

A version folder is complete before ``CURRENT`` names it, and ``CURRENT`` is swapped
with ``os.replace``, so a reader sees either the old or the new version, never a mix.
Rolling back writes a new version with the files of an earlier one: history only grows.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from datastore import base_data_path, current_version_dir, store_root

MANIFEST = "manifest.json"
LOCK_TIMEOUT_S = 30.0
STAGING_MAX_AGE_S = 24 * 3600


class StoreError(Exception):
    """A store operation that could not be done; ``code`` names an i18n key ``data.store.*``."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class PublishConflict(StoreError):
    """Someone else published since this editor looked: they must refresh and re-check."""

    def __init__(self, expected: int | None, current: int | None) -> None:
        super().__init__(
            "conflict",
            f"Version {current} was published meanwhile (you checked against "
            f"{expected or 'the initial data'}); refresh and check your file again.",
            expected=expected,
            current=current,
        )
        self.expected = expected
        self.current = current


@dataclass(frozen=True)
class Version:
    """One published version, as its manifest describes it."""

    number: int
    path: Path
    created_at: str
    editor: str
    note: str
    action: str  # "seed", "publish" or "rollback"
    restored_from: int | None = None
    source_name: str | None = None
    extra: dict = field(default_factory=dict)


def table_names() -> tuple[str, ...]:
    """The dataset's table names, from the loaders' schema."""
    from loaders import schema

    return tuple(schema.TABLE_ORDER)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for item in folder.iterdir():
        if item.is_file():
            with open(item, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Published versions of the dataset in one folder.

    Example::

        store = Store()
        staging = store.new_staging()          # write TABLE.csv files into it
        store.publish(staging, editor="aziza", note="May visits", expected_current=None)
    """

    def __init__(self, root: Path | str | None = None, base: Path | str | None = None):
        self.root = Path(root) if root is not None else store_root()
        self.base = Path(base) if base is not None else base_data_path()

    # ---- reading -------------------------------------------------------------------
    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    def current(self) -> int | None:
        """The number of the published version, or None before the first publish."""
        folder = current_version_dir(self.root)
        return int(folder.name) if folder is not None else None

    def snapshot(self) -> tuple[int | None, Path]:
        """The current version number and the dataset it shows, read together once."""
        folder = current_version_dir(self.root)
        return (int(folder.name), folder) if folder is not None else (None, self.base)

    def active_path(self) -> Path:
        """The dataset the app shows: the current version's folder, else the base data."""
        folder = current_version_dir(self.root)
        return folder if folder is not None else self.base

    def version(self, number: int) -> Version:
        path = self.versions_dir / str(number)
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        known = {
            "version",
            "created_at",
            "editor",
            "note",
            "action",
            "restored_from",
            "source_name",
        }
        return Version(
            number=number,
            path=path,
            created_at=data.get("created_at", ""),
            editor=data.get("editor", ""),
            note=data.get("note", ""),
            action=data.get("action", "publish"),
            restored_from=data.get("restored_from"),
            source_name=data.get("source_name"),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def history(self) -> list[Version]:
        """Every published version, newest first."""
        if not self.versions_dir.is_dir():
            return []
        numbers = sorted(
            (int(p.name) for p in self.versions_dir.iterdir() if p.name.isdigit()),
            reverse=True,
        )
        return [
            self.version(n) for n in numbers if (self.versions_dir / str(n) / MANIFEST).exists()
        ]

    # ---- staging -------------------------------------------------------------------
    def new_staging(self) -> Path:
        """A fresh empty folder for an upload, on the same disk as the versions."""
        staging_root = self.root / "staging"
        staging_root.mkdir(parents=True, exist_ok=True)
        self._clean_old_staging(staging_root)
        folder = staging_root / uuid.uuid4().hex
        folder.mkdir()
        return folder

    @staticmethod
    def _clean_old_staging(staging_root: Path) -> None:
        cutoff = time.time() - STAGING_MAX_AGE_S
        for item in staging_root.iterdir():
            try:
                if item.stat().st_mtime < cutoff:
                    shutil.rmtree(item, ignore_errors=True)
            except OSError:
                pass

    # ---- writing -------------------------------------------------------------------
    def publish(
        self,
        staging: Path | str,
        editor: str,
        note: str = "",
        expected_current: int | None = None,
        source_name: str | None = None,
        extra: dict | None = None,
    ) -> Version:
        """Make the files in ``staging`` the new current version.

        ``expected_current`` is the version the editor checked the file against; when
        another publish happened meanwhile, ``PublishConflict`` is raised and nothing
        changes. The first publish first keeps the base data as version 1.
        """
        staging = Path(staging)
        with self._lock():
            current = self._check_expected(expected_current)
            if current is None:
                current = self._seed_locked(editor)
            return self._add_version_locked(
                staging,
                editor=editor,
                note=note,
                action="publish",
                previous=current,
                source_name=source_name,
                extra=extra,
                move=True,
            )

    def rollback(
        self, to_version: int, editor: str, note: str = "", expected_current: int | None = None
    ) -> Version:
        """Publish a copy of an earlier version as a new version (history is kept)."""
        with self._lock():
            current = self._check_expected(expected_current)
            source = self.versions_dir / str(to_version)
            if not (source / MANIFEST).exists():
                raise StoreError(
                    "no_version", f"There is no version {to_version}.", version=to_version
                )
            return self._add_version_locked(
                source,
                editor=editor,
                note=note,
                action="rollback",
                previous=current,
                restored_from=to_version,
                move=False,
            )

    def seed(self, editor: str = "system") -> int:
        """Keep the base data as version 1 when nothing is published yet; returns current."""
        with self._lock():
            current = self.current()
            return current if current is not None else self._seed_locked(editor)

    # ---- internals (call with the lock held) ---------------------------------------
    def _check_expected(self, expected: int | None) -> int | None:
        current = self.current()
        if current != expected:
            raise PublishConflict(expected, current)
        return current

    def _seed_locked(self, editor: str) -> int:
        seed_dir = self.new_staging()
        copy_base_dataset(self.base, seed_dir)
        version = self._add_version_locked(
            seed_dir,
            editor=editor,
            note="",
            action="seed",
            previous=None,
            source_name=str(self.base),
            move=True,
        )
        return version.number

    def _next_number(self) -> int:
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name) for p in self.versions_dir.iterdir() if p.name.isdigit()]
        return max(numbers, default=0) + 1

    def _add_version_locked(
        self,
        source: Path,
        *,
        editor: str,
        note: str,
        action: str,
        previous: int | None,
        restored_from: int | None = None,
        source_name: str | None = None,
        extra: dict | None = None,
        move: bool,
    ) -> Version:
        """Write ``source`` as the next version (manifest, checksums) and make it current."""
        number = self._next_number()
        tmp = self.versions_dir / f".tmp-{number}-{uuid.uuid4().hex[:8]}"
        if move:
            os.replace(source, tmp)
        else:
            shutil.copytree(source, tmp)
        (tmp / MANIFEST).unlink(missing_ok=True)
        files = {p.name: _sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        manifest = {
            "version": number,
            "created_at": _now(),
            "editor": editor,
            "note": note,
            "action": action,
            "previous": previous,
            "restored_from": restored_from,
            "source_name": source_name,
            "files": files,
            **(extra or {}),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
        _fsync_tree(tmp)
        final = self.versions_dir / str(number)
        os.replace(tmp, final)
        _fsync_dir(self.versions_dir)
        self._switch_locked(number)
        return self.version(number)

    def _switch_locked(self, number: int) -> None:
        pointer = self.root / "CURRENT"
        tmp = self.root / f".CURRENT.{uuid.uuid4().hex[:8]}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(f"{number}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, pointer)
        _fsync_dir(self.root)

    def _lock(self) -> _FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return _FileLock(self.root / ".lock", LOCK_TIMEOUT_S)


class _FileLock:
    """An exclusive ``flock`` on a file; waits up to ``timeout`` seconds."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fh = None

    def __enter__(self) -> _FileLock:
        self._fh = open(self.path, "a+")  # noqa: SIM115 - closed in __exit__
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._fh.close()
                    raise StoreError("busy", "Another publish is taking long; try again.") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        assert self._fh is not None
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
        self._fh.close()


def copy_base_dataset(base: Path, dest: Path) -> None:
    """Copy a dataset (folder of CSVs or one .xlsx) into ``dest`` as ``TABLE.csv`` files."""
    base = Path(base)
    dest.mkdir(parents=True, exist_ok=True)
    names = set(table_names())
    if base.is_dir():
        for item in sorted(base.iterdir()):
            if item.suffix.lower() == ".csv" and item.stem in names:
                shutil.copy2(item, dest / item.name)
    elif base.is_file() and base.suffix.lower() == ".xlsx":
        from datastore.upload import xlsx_to_csv_folder

        xlsx_to_csv_folder(base.read_bytes(), dest)
    else:
        raise StoreError("no_base", f"The current data at {base} cannot be read.", path=str(base))
