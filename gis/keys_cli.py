"""Command line of API keys: ``keys create``, ``keys revoke`` and ``keys list`` (plain click)."""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import Engine

from gis import keys


def make_keys_group(get_engine: Callable[[], Engine]) -> click.Group:
    """The ``keys`` command group, bound to a factory for the engine."""

    @click.group("keys", help="Create, revoke and list the API keys of data stewards.")
    def group() -> None:
        pass

    @group.command("create")
    @click.option("--role", required=True, type=click.Choice(keys.ROLES), help="admin or a sector steward.")
    @click.option("--name", required=True, help="Who holds the key (unique), e.g. 'dkp-budi'.")
    def create(role: str, name: str) -> None:
        """Create a key and print its token (shown only this once)."""
        try:
            key, token = keys.create_key(get_engine(), name, role)
        except keys.KeyProblem as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"created key {key.name!r} with role {key.role}; store this token now, it is not shown again:",
                   err=True)
        click.echo(token)

    @group.command("revoke")
    @click.argument("name")
    def revoke(name: str) -> None:
        """Revoke the key NAME (uploads with it are refused from now on)."""
        try:
            key = keys.revoke_key(get_engine(), name)
        except keys.KeyProblem as exc:
            raise click.UsageError(str(exc)) from exc
        click.echo(f"revoked key {key.name!r} ({key.prefix}...)")

    @group.command("list")
    def list_() -> None:
        """List every key: name, role, prefix, created, revoked."""
        click.echo(f"{'name':<24} {'role':<12} {'prefix':<14} {'created':<20} revoked")
        for k in keys.list_keys(get_engine()):
            revoked = k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "-"
            click.echo(f"{k.name:<24} {k.role:<12} {k.prefix:<14} {k.created_at:%Y-%m-%d %H:%M}     {revoked}")

    return group
