"""themes form a tree (sub-themes) and carry a description

Revision ID: e3b7d4c9a512
Revises: b60231c29e01
Create Date: 2026-12-05 07:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3b7d4c9a512"
down_revision = "b60231c29e01"
branch_labels = None
depends_on = None


def upgrade():
    # A sub-theme is a theme row with its theme as parent; an answer's sub-theme is kept
    # beside its (top-level) theme on the assignment, so counts by theme are unchanged.
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("description_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_themes_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_themes_parent_id_themes"),
            "themes",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("theme_assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subtheme_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_theme_assignments_subtheme_id"), ["subtheme_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_theme_assignments_subtheme_id_themes"),
            "themes",
            ["subtheme_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("theme_assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_theme_assignments_subtheme_id_themes"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_theme_assignments_subtheme_id"))
        batch_op.drop_column("subtheme_id")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_themes_parent_id_themes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_themes_parent_id"))
        batch_op.drop_column("parent_id")
        batch_op.drop_column("description_ids")
        batch_op.drop_column("description")
