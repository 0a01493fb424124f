"""rounds can move on by themselves

Revision ID: 5e771363b386
Revises: 4d055dfae522
Create Date: 2026-11-23 18:05:39.482620

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e771363b386'
down_revision = '4d055dfae522'
branch_labels = None
depends_on = None


def upgrade():
    # existing rounds keep waiting for the facilitator
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('auto_advance', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('auto_advance')
