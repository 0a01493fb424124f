"""`flask --app wsgi data purge [--dry-run]`: erase the personal data whose retention
period is over (consult/privacy/retention.py) and print how many of each kind. Run daily by
the app itself where DATA_PURGE_DAILY is on (the default); otherwise from cron, e.g.
`15 3 * * * cd /srv/consult && .venv/bin/flask --app wsgi data purge`."""

from __future__ import annotations

import click
from flask_babel import gettext

from consult.extensions import db
from consult.privacy import bp, retention


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is due without erasing anything.")
def purge(dry_run: bool) -> None:
    """Erase personal data kept longer than the retention settings allow."""
    done = retention.purge(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        click.echo(gettext("Dry run: nothing was erased. Due now:"))
    else:
        db.session.commit()
        click.echo(gettext("Erased:"))
    for line in done.lines():
        click.echo(f"  {line}")
    click.echo("  " + gettext("total: %(num)s", num=done.total))
