"""Welsh versions of a jury's public texts and of rounds' juror-facing texts (issue 19),
and the language a registrant registered in (their emails are sent in it).

Revision ID: c19d4a6e8b31
Revises: efc8674f8607
Create Date: 2026-12-05 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c19d4a6e8b31"
down_revision = "efc8674f8607"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("juries") as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("question_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("description_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("instructions_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("registrants") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("registrants") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("rounds") as batch_op:
        batch_op.drop_column("instructions_cy")
        batch_op.drop_column("title_cy")
    with op.batch_alter_table("juries") as batch_op:
        batch_op.drop_column("description_cy")
        batch_op.drop_column("question_cy")
        batch_op.drop_column("title_cy")
