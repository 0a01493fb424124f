"""Welsh versions of a consultation's texts and its questions (issue 19), and the language
each response was answered in.

Revision ID: b19c7e3a5d20
Revises: c3a9d5e1f7b2
Create Date: 2026-12-05 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b19c7e3a5d20"
down_revision = "c3a9d5e1f7b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultations") as batch_op:
        batch_op.add_column(sa.Column("title_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("summary_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("background_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("questions") as batch_op:
        batch_op.add_column(sa.Column("prompt_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hint_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("options_cy", sa.JSON(), nullable=True))
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("questions") as batch_op:
        batch_op.drop_column("options_cy")
        batch_op.drop_column("hint_cy")
        batch_op.drop_column("prompt_cy")
    with op.batch_alter_table("consultations") as batch_op:
        batch_op.drop_column("background_cy")
        batch_op.drop_column("summary_cy")
        batch_op.drop_column("title_cy")
