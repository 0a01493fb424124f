"""sign-out ends the session on the server

Revision ID: a16a363caac6
Revises: d5e8a1c3f902
Create Date: 2026-12-05 02:57:06.990742

"""
from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = 'a16a363caac6'
down_revision = 'd5e8a1c3f902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', consult.models.base.UTCDateTime(), nullable=False),
    sa.Column('ended_at', consult.models.base.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(user_id IS NULL) <> (member_id IS NULL)', name=op.f('ck_sign_in_sessions_one_person')),
    sa.ForeignKeyConstraint(['member_id'], ['panel_members.id'], name=op.f('fk_sign_in_sessions_member_id_panel_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_sessions_token_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_member_id'))

    op.drop_table('sign_in_sessions')
