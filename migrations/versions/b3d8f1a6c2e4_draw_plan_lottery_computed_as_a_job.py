"""a draw plan's lottery is computed as a background job (draw_runs.plan_id); quotas keep
the organiser's min_flex/max_flex

Revision ID: b3d8f1a6c2e4
Revises: e7a4c2b91d05
Create Date: 2026-12-05 10:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d8f1a6c2e4"
down_revision = "e7a4c2b91d05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("category_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_flex", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_flex", sa.Integer(), nullable=True))
    with op.batch_alter_table("draw_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_draw_runs_plan_id"), ["plan_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_draw_runs_plan_id_draw_plans"),
            "draw_plans",
            ["plan_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("draw_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_draw_runs_plan_id_draw_plans"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_draw_runs_plan_id"))
        batch_op.drop_column("plan_id")
    with op.batch_alter_table("category_values", schema=None) as batch_op:
        batch_op.drop_column("max_flex")
        batch_op.drop_column("min_flex")
