"""api retries must send the same body

Revision ID: b7c2e91d4a10
Revises: 5e771363b386
Create Date: 2026-11-23 18:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c2e91d4a10'
down_revision = '5e771363b386'
branch_labels = None
depends_on = None


def upgrade():
    # responses stored before this have no fingerprint: their retries are not compared
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_fingerprint', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('request_fingerprint')
