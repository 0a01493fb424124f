"""personal data erasure and retention: when a response, registrant or juror was erased,
and when a jury finished

Revision ID: e7b3c9d2a415
Revises: e6b1d0c4a7f2
Create Date: 2026-12-05 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = 'e7b3c9d2a415'
down_revision = 'e6b1d0c4a7f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finished_at', consult.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', consult.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('registrants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', consult.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', consult.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('registrants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('panel_members', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('juries', schema=None) as batch_op:
        batch_op.drop_column('finished_at')
