"""API keys: only hashes are stored, revoked keys stop working, the CLI shows the token once."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text

from gis import keys


def test_token_is_stored_only_as_its_sha256(engine):
    key, token = keys.create_key(engine, "dinas-pertanian", "agriculture")
    assert token.startswith(keys.TOKEN_PREFIX) and len(token) > 40
    assert key.prefix == token[:keys.SHOWN_CHARS]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT key_hash FROM api_keys WHERE name = 'dinas-pertanian'")).scalar_one()
        dump = conn.execute(text("SELECT t::text FROM api_keys t")).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in dump


def test_authenticate_accepts_the_token_and_refuses_others(engine):
    _, token = keys.create_key(engine, "dkp", "fisheries")
    found = keys.authenticate(engine, token)
    assert found is not None and found.name == "dkp" and found.role == "fisheries" and found.active
    assert keys.authenticate(engine, token + "x") is None
    assert keys.authenticate(engine, "") is None
    assert keys.authenticate(engine, keys.new_token()) is None


def test_revoked_key_no_longer_authenticates(engine):
    _, token = keys.create_key(engine, "old", "admin")
    revoked = keys.revoke_key(engine, "old")
    assert not revoked.active
    assert keys.authenticate(engine, token) is None
    assert [k.name for k in keys.list_keys(engine) if not k.active] == ["old"]


def test_bad_requests_raise_key_problem(engine):
    keys.create_key(engine, "twice", "umkm")
    with pytest.raises(keys.KeyProblem, match="already exists"):
        keys.create_key(engine, "twice", "umkm")
    with pytest.raises(keys.KeyProblem, match="unknown role"):
        keys.create_key(engine, "x", "mayor")
    with pytest.raises(keys.KeyProblem, match="no key named"):
        keys.revoke_key(engine, "nobody")


@pytest.mark.parametrize(("role", "kind", "allowed"), [
    ("admin", "boundaries", True), ("admin", "producers", True),
    ("agriculture", "agriculture", True), ("agriculture", "totals", True), ("agriculture", "fisheries", False),
    ("fisheries", "landing-sites", True), ("fisheries", "producers", False),
    ("umkm", "producers", True), ("investment", "opportunities", True), ("investment", "boundaries", False),
    ("boundaries", "boundaries", True), ("nobody", "agriculture", False),
])
def test_roles_cover_their_kinds(role, kind, allowed):
    assert keys.can_load(role, kind) is allowed


def test_cli_create_list_revoke(runner, engine):
    created = runner.invoke(args=["keys", "create", "--role", "umkm", "--name", "disperindag"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert keys.authenticate(engine, token).name == "disperindag"
    listed = runner.invoke(args=["keys", "list"])
    assert listed.exit_code == 0 and "disperindag" in listed.output and token not in listed.output
    assert runner.invoke(args=["keys", "create", "--role", "umkm", "--name", "disperindag"]).exit_code == 2
    assert runner.invoke(args=["keys", "create", "--role", "mayor", "--name", "x"]).exit_code == 2
    revoked = runner.invoke(args=["keys", "revoke", "disperindag"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert keys.authenticate(engine, token) is None
    assert runner.invoke(args=["keys", "revoke", "nobody"]).exit_code == 2
