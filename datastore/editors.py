"""Editor passwords: salted scrypt hashes (the accounts live in the store, ``security``).

The file store kept hashes in the ``[editors]`` table of ``.streamlit/secrets.toml`` (env
``COOP_SECRETS``); ``load_editors`` reads them once so ``datastore.migrate`` can move them
into the database. Add an editor with ``python -m datastore add-editor NAME``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from pathlib import Path

from datastore.paths import REPO_ROOT

NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_MAXMEM = 64 * 1024 * 1024


def secrets_path() -> Path:
    """Where editor hashes live: env ``COOP_SECRETS``, default ``.streamlit/secrets.toml``."""
    env = os.environ.get("COOP_SECRETS")
    return Path(env).expanduser() if env else REPO_ROOT / ".streamlit" / "secrets.toml"


# ---- hashing -----------------------------------------------------------------------------
def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash, e.g. ``scrypt$16384$8$1$<salt b64>$<hash b64>``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(hash_b64)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt_b64),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


# A hash to check against when the name is unknown, so timing does not tell names apart.
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


# ---- the secrets file ----------------------------------------------------------------------
def load_editors(path: Path | None = None) -> dict[str, str]:
    """Editor name -> stored hash; empty when the file or the table is missing."""
    path = path or secrets_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    editors = data.get("editors", {})
    if not isinstance(editors, dict):
        return {}
    return {str(k): v for k, v in editors.items() if isinstance(v, str)}
