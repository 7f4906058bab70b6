"""Editors who may upload, publish and roll back: salted scrypt hashes in secrets.toml.

Only hashes are stored, in the ``[editors]`` table of ``.streamlit/secrets.toml`` (env
``COOP_SECRETS`` for another file), which is never committed::

    [editors]
    "aziza" = "scrypt$16384$8$1$<salt>$<hash>"

Add one with ``python -m loaders add-editor NAME`` (asks for the password twice).
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from datastore import REPO_ROOT

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


def editors_configured(path: Path | None = None) -> bool:
    return bool(load_editors(path))


def _line_key(line: str) -> str | None:
    match = re.match(r'^\s*(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*=', line)
    return (match.group(1) or match.group(2)) if match else None


def save_editor(name: str, password_hash: str, path: Path | None = None) -> Path:
    """Add or replace one editor's hash, keeping everything else in the file."""
    if not NAME_RE.match(name):
        raise ValueError("Editor names use letters, digits, '.', '_', '-' or '@' (up to 64).")
    path = path or secrets_path()
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines()
    entry = f'"{name}" = "{password_hash}"'
    header = next((i for i, ln in enumerate(lines) if ln.strip() == "[editors]"), None)
    if header is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += ["[editors]", entry]
    else:
        end = next(
            (i for i in range(header + 1, len(lines)) if lines[i].strip().startswith("[")),
            len(lines),
        )
        body = [ln for ln in lines[header + 1 : end] if _line_key(ln) != name]
        while body and not body[-1].strip():
            body.pop()
        tail = [""] if end < len(lines) else []
        lines = lines[: header + 1] + body + [entry] + tail + lines[end:]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    tomllib.loads(path.read_text(encoding="utf-8"))  # the file must still be valid TOML
    return path


# ---- logging in, with a growing lockout --------------------------------------------------
@dataclass
class LoginLimiter:
    """Wrong passwords per session: ``max_tries`` free, then a lockout that doubles.

    Example: 5 wrong tries -> locked 30 s; the next wrong try -> 60 s, then 120 s, ...
    """

    max_tries: int = 5
    base_lockout_s: float = 30.0
    max_lockout_s: float = 3600.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    failures: int = 0
    locked_until: float = 0.0

    def seconds_left(self) -> int:
        """Seconds until the next try is allowed (0 = allowed now)."""
        left = self.locked_until - self.clock()
        return int(left) + (1 if left % 1 else 0) if left > 0 else 0

    def record_failure(self) -> None:
        self.failures += 1
        extra = self.failures - self.max_tries
        if extra >= 0:
            lockout = min(self.base_lockout_s * (2**extra), self.max_lockout_s)
            self.locked_until = self.clock() + lockout

    def record_success(self) -> None:
        self.failures = 0
        self.locked_until = 0.0


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    code: str  # "ok", "wrong", "locked", "no_editors"
    seconds_left: int = 0


def check_login(
    name: str, password: str, limiter: LoginLimiter, editors: dict[str, str] | None = None
) -> LoginResult:
    """Check an editor's password, counting wrong tries in ``limiter``."""
    editors = load_editors() if editors is None else editors
    if not editors:
        return LoginResult(False, "no_editors")
    left = limiter.seconds_left()
    if left:
        return LoginResult(False, "locked", left)
    stored = editors.get(name.strip())
    matched = verify_password(password, stored or _dummy_hash()) and stored is not None
    if matched:
        limiter.record_success()
        return LoginResult(True, "ok")
    limiter.record_failure()
    left = limiter.seconds_left()
    return LoginResult(False, "locked" if left else "wrong", left)


# ---- python -m loaders add-editor NAME -------------------------------------------------------
def add_editor_cli(argv: list[str] | None = None) -> int:
    """Ask for a password (or read it from stdin) and store the editor's hash; exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "add-editor":
        argv = argv[1:]
    parser = argparse.ArgumentParser(
        prog="python -m loaders add-editor",
        description="Allow an editor to upload, publish and roll back data on the Data page.",
    )
    parser.add_argument("name", help="the editor's login name")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    parser.add_argument(
        "--secrets", type=Path, help="secrets file (default .streamlit/secrets.toml)"
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not NAME_RE.match(args.name):
        print("Editor names use letters, digits, '.', '_', '-' or '@' (up to 64).", file=sys.stderr)
        return 1
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        try:
            password = getpass.getpass(f"Password for {args.name}: ")
            again = getpass.getpass("Same password again: ")
        except (EOFError, KeyboardInterrupt):
            print("\nCancelled; nothing saved.", file=sys.stderr)
            return 1
        if password != again:
            print("The passwords differ; nothing saved.", file=sys.stderr)
            return 1
    if len(password) < MIN_PASSWORD:
        print(f"Use at least {MIN_PASSWORD} characters; nothing saved.", file=sys.stderr)
        return 1
    path = save_editor(args.name, hash_password(password), args.secrets)
    print(f"Editor {args.name} saved in {path}. Restart is not needed.")
    return 0
