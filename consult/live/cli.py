"""The live feature's commands, `flask live …`."""

from __future__ import annotations

import click

from consult.live.bench import create_bench_session
from consult.live.blueprint import bp


@bp.cli.command("bench-setup")
@click.option("--participants", type=int, required=True, help="How many jurors to create.")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="File for the codes.")
@click.option("--table-size", type=int, default=8, show_default=True)
def bench_setup(participants: int, out: str, table_size: int) -> None:
    """Create a jury, a live session with a running table-discussion round and N jurors
    with join codes (one per line in --out, after a first line `session_id=<id>`),
    for bench/live_load.py."""
    session_id, codes = create_bench_session(participants, table_size=table_size)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(f"session_id={session_id}\n")
        handle.writelines(f"{code}\n" for code in codes)
    click.echo(f"session {session_id}: {len(codes)} jurors, codes in {out}")
