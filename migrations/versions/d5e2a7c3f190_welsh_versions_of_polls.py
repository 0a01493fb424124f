"""Welsh versions of a live poll's question and of its agree/disagree statements (issue
19); an option's Welsh label lives in its options' JSON ("label_cy"), so needs no column.

Revision ID: d5e2a7c3f190
Revises: b6e2d47c1a93
Create Date: 2026-12-05 13:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d5e2a7c3f190"
down_revision = "b6e2d47c1a93"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("polls") as batch_op:
        batch_op.add_column(sa.Column("question_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("poll_statements") as batch_op:
        batch_op.add_column(sa.Column("text_cy", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_statements") as batch_op:
        batch_op.drop_column("text_cy")
    with op.batch_alter_table("polls") as batch_op:
        batch_op.drop_column("question_cy")
