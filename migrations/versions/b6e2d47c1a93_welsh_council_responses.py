"""the council's published responses in Welsh: a Welsh version beside the English of a
response's text and reasons, and of a progress update's note (issue 19)

Revision ID: b6e2d47c1a93
Revises: d7a3c9e2f184
Create Date: 2026-12-05 13:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6e2d47c1a93"
down_revision = "d7a3c9e2f184"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("council_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_cy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reasons_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_cy", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_column("note_cy")
    with op.batch_alter_table("council_responses", schema=None) as batch_op:
        batch_op.drop_column("reasons_cy")
        batch_op.drop_column("text_cy")
