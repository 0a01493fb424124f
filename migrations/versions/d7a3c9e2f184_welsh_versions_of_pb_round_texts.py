"""Welsh versions of a participatory budgeting round's resident-facing texts (issue 19):
its title, summary and area; and the language each proposal was sent in (its proposer's
emails are written in it).

Revision ID: d7a3c9e2f184
Revises: d7a3c9e1b524
Create Date: 2026-12-05 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d7a3c9e2f184"
down_revision = "d7a3c9e1b524"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pb_rounds") as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("summary_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("area_cy", sa.String(length=200), nullable=True))
    with op.batch_alter_table("pb_proposals") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("pb_proposals") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("pb_rounds") as batch_op:
        batch_op.drop_column("area_cy")
        batch_op.drop_column("summary_cy")
        batch_op.drop_column("title_cy")
