"""API keys of data stewards: roles, what each may load, and hashed tokens (no Flask).

A token is shown once, when it is created; the database keeps only its SHA-256, so a
leaked database does not leak working keys. Tokens are 32 random bytes, so a plain
(unsalted) hash is enough: there is no dictionary to try against it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

ADMIN = "admin"
TOKEN_PREFIX = "peta_"
SHOWN_CHARS = 12
# Which ETL kinds each steward may load; the admin may load every kind.
STEWARD_KINDS: dict[str, frozenset[str]] = {
    "agriculture": frozenset({"agriculture", "totals"}),
    "fisheries": frozenset({"fisheries", "landing-sites"}),
    "umkm": frozenset({"producers"}),
    "investment": frozenset({"opportunities"}),
    "boundaries": frozenset({"boundaries"}),
}
ROLES: tuple[str, ...] = (ADMIN, *STEWARD_KINDS)


class KeyProblem(ValueError):
    """A key cannot be created or revoked as asked (unknown role, taken or unknown name)."""


@dataclass(frozen=True)
class Key:
    """An API key as the platform sees it: never the token itself."""

    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        """True while the key is not revoked."""
        return self.revoked_at is None


def can_load(role: str, kind: str) -> bool:
    """True when ``role`` may load files of ``kind``."""
    return role == ADMIN or kind in STEWARD_KINDS.get(role, frozenset())


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (32 bytes of entropy)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_key(engine: Engine, name: str, role: str) -> tuple[Key, str]:
    """Create a key for ``name`` with ``role``; returns the key and its token (shown only now)."""
    ApiKey = _api_key_model()
    name = name.strip()
    if role not in ROLES:
        raise KeyProblem(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if not name or len(name) > 64:
        raise KeyProblem("the key name must have 1 to 64 characters")
    token = new_token()
    values = {"name": name, "role": role, "key_hash": hash_token(token), "prefix": token[:SHOWN_CHARS]}
    try:
        with engine.begin() as conn:
            created = conn.execute(insert(ApiKey).values(**values).returning(ApiKey.created_at)).scalar_one()
    except IntegrityError as exc:
        raise KeyProblem(f"a key named {name!r} already exists: revoke it or choose another name") from exc
    return Key(name, role, values["prefix"], created), token


def revoke_key(engine: Engine, name: str) -> Key:
    """Revoke the key named ``name`` (it stays listed, marked revoked)."""
    ApiKey = _api_key_model()
    with engine.begin() as conn:
        conn.execute(update(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
                     .values(revoked_at=func.now()))
        row = conn.execute(select(ApiKey.__table__).where(ApiKey.name == name)).mappings().first()
    if row is None:
        raise KeyProblem(f"no key named {name!r}")
    return _to_key(row)


def list_keys(engine: Engine) -> list[Key]:
    """Every key, active or revoked, oldest first."""
    ApiKey = _api_key_model()
    with engine.connect() as conn:
        rows = conn.execute(select(ApiKey.__table__).order_by(ApiKey.created_at, ApiKey.id)).mappings().all()
    return [_to_key(r) for r in rows]


def authenticate(engine: Engine, token: str) -> Key | None:
    """The active key whose token is ``token``, or None."""
    ApiKey = _api_key_model()
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    digest = hash_token(token)
    with engine.connect() as conn:
        row = conn.execute(select(ApiKey.__table__).where(ApiKey.key_hash == digest)).mappings().first()
    if row is None or not hmac.compare_digest(row["key_hash"], digest) or row["revoked_at"] is not None:
        return None
    return _to_key(row)


def _api_key_model() -> type:
    """The ORM model of API keys, imported on first use: gis.models loads GeoAlchemy2, which
    start-up (the CLI above all) does not need."""
    from gis.models import ApiKey

    return ApiKey


def _to_key(row: object) -> Key:
    r = dict(row)  # type: ignore[call-overload]
    return Key(r["name"], r["role"], r["prefix"], r["created_at"], r["revoked_at"])

