"""rounds have a facilitator script beside the jurors' instructions

Revision ID: e6b1d0c4a7f2
Revises: a16a363caac6
Create Date: 2026-12-05 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6b1d0c4a7f2'
down_revision = 'a16a363caac6'
branch_labels = None
depends_on = None


def upgrade():
    # existing rounds keep their instructions (what jurors see) and have no script yet
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('script', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('script')
