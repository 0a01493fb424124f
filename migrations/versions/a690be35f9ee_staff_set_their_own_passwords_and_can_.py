"""staff set their own passwords and can be signed out everywhere

Revision ID: a690be35f9ee
Revises: c41f0a7be2d3
Create Date: 2026-11-23 18:25:14.151656

"""
from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = 'a690be35f9ee'
down_revision = 'c41f0a7be2d3'
branch_labels = None
depends_on = None


def upgrade():
    # password_changed_at is None while an invited person has not set a password yet;
    # session_version is part of the session identity (raising it signs them out everywhere)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', consult.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    # every account so far was made with a password (CLI or demo): date it from creation
    op.execute(
        "UPDATE users SET password_changed_at = created_at "
        "WHERE password_changed_at IS NULL AND password_hash NOT LIKE '!%'"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('password_changed_at')
