"""The data store's command line as the tests drive it: a base dataset and a store in a
temporary folder, and ``python -m datastore ARGS`` run in-process with its own stdin."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from test_datastore import BASE_VISITS, write_dataset

from datastore.__main__ import main


def store_env(tmp_path: Path, monkeypatch) -> Path:
    """A two-row base dataset, an empty store and no secrets file; returns the dataset."""
    base = write_dataset(tmp_path / "data", "base", rows=2, visits=BASE_VISITS)
    monkeypatch.setenv("COOP_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("COOP_DATA", str(base))
    monkeypatch.setenv("COOP_SECRETS", str(tmp_path / "none.toml"))
    return base


def run_cli(monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """``python -m datastore ARGS`` with ``stdin``: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    status = main(list(args))
    return status, out.getvalue(), err.getvalue()
