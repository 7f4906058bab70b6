"""Synthetic datasets for the benchmarks, made once per (size, seed) and kept in bench/.data/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = Path(__file__).resolve().parent / ".data"  # git-ignored


def dataset_dir(visits: int, seed: int = 7) -> Path:
    return DATA_ROOT / f"synth-{visits}-s{seed}"


def ensure_dataset(visits: int, seed: int = 7) -> Path:
    """The folder of a synthetic dataset with ``visits`` visits (made with ``loaders synth``)."""
    folder = dataset_dir(visits, seed)
    if not (folder / "visits.csv").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "loaders", "synth", "--out", str(folder),
             "--visits", str(visits), "--seed", str(seed)],
            cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL,
        )
    return folder
