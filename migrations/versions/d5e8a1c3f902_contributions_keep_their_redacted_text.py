"""contributions keep their redacted text

Revision ID: d5e8a1c3f902
Revises: a690be35f9ee
Create Date: 2026-12-05 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from consult.consultations.redaction import moderate

# revision identifiers, used by Alembic.
revision = "d5e8a1c3f902"
down_revision = "a690be35f9ee"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.add_column("contributions", sa.Column("redacted_text", sa.Text(), nullable=True))
    # Existing rows are redacted once here, as new ones are when their text is set.
    contributions = sa.table(
        "contributions",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("redacted_text", sa.Text),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(contributions.c.id, contributions.c.text)
            .where(contributions.c.id > last)
            .order_by(contributions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            contributions.update()
            .where(contributions.c.id == sa.bindparam("row_id"))
            .values(redacted_text=sa.bindparam("redacted")),
            [{"row_id": row.id, "redacted": moderate(row.text or "")[0]} for row in rows],
        )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("contributions") as batch_op:
        batch_op.drop_column("redacted_text")
