"""Welsh versions of a jury's category and answer labels (the registration form's
questions) and of its before/after questionnaire's questions and choices (issue 19).

Revision ID: d7a3c9e1b524
Revises: c4d81f2a9e37
Create Date: 2026-12-05 13:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d7a3c9e1b524"
down_revision = "c4d81f2a9e37"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jury_categories") as batch_op:
        batch_op.add_column(sa.Column("label_cy", sa.String(length=200), nullable=True))
    with op.batch_alter_table("category_values") as batch_op:
        batch_op.add_column(sa.Column("label_cy", sa.String(length=200), nullable=True))
    with op.batch_alter_table("jury_questions") as batch_op:
        batch_op.add_column(sa.Column("prompt_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("options_cy", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jury_questions") as batch_op:
        batch_op.drop_column("options_cy")
        batch_op.drop_column("prompt_cy")
    with op.batch_alter_table("category_values") as batch_op:
        batch_op.drop_column("label_cy")
    with op.batch_alter_table("jury_categories") as batch_op:
        batch_op.drop_column("label_cy")
