"""themes have a language ("cy" for a theme of answers in Welsh)

Revision ID: c3a9d5e1f7b2
Revises: b3d8f1a6c2e4
Create Date: 2026-12-05 11:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a9d5e1f7b2"
down_revision = "b3d8f1a6c2e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("language")
