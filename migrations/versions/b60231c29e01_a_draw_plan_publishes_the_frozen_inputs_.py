"""a draw plan publishes the frozen inputs, the lottery and the random value

Revision ID: b60231c29e01
Revises: e7b3c9d2a415
Create Date: 2026-12-05 07:22:32.234348

"""
from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = 'b60231c29e01'
down_revision = 'e7b3c9d2a415'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draw_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('jury_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('algorithm', sa.String(length=20), nullable=False),
    sa.Column('panel_size', sa.Integer(), nullable=False),
    sa.Column('households', sa.Boolean(), nullable=False),
    sa.Column('pool_size', sa.Integer(), nullable=False),
    sa.Column('inputs_file', sa.Text(), nullable=False),
    sa.Column('inputs_checksum', sa.String(length=64), nullable=False),
    sa.Column('pseudonyms', sa.JSON(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('lottery_file', sa.Text(), nullable=True),
    sa.Column('lottery_checksum', sa.String(length=64), nullable=True),
    sa.Column('lottery_published_at', consult.models.base.UTCDateTime(), nullable=True),
    sa.Column('lottery_by_id', sa.Integer(), nullable=True),
    sa.Column('random_value', sa.String(length=300), nullable=True),
    sa.Column('random_source', sa.String(length=300), nullable=False),
    sa.Column('value_entered_at', consult.models.base.UTCDateTime(), nullable=True),
    sa.Column('value_entered_by_id', sa.Integer(), nullable=True),
    sa.Column('panel_file', sa.Text(), nullable=True),
    sa.Column('panel_number', sa.Integer(), nullable=True),
    sa.Column('draw_id', sa.Integer(), nullable=True),
    sa.Column('abandoned_at', consult.models.base.UTCDateTime(), nullable=True),
    sa.Column('abandoned_by_id', sa.Integer(), nullable=True),
    sa.Column('abandon_reason', sa.Text(), nullable=False),
    sa.Column('created_at', consult.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('frozen', 'lottery', 'drawn', 'abandoned')", name=op.f('ck_draw_plans_status')),
    sa.ForeignKeyConstraint(['abandoned_by_id'], ['users.id'], name=op.f('fk_draw_plans_abandoned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['draw_id'], ['selection_draws.id'], name=op.f('fk_draw_plans_draw_id_selection_draws'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['jury_id'], ['juries.id'], name=op.f('fk_draw_plans_jury_id_juries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lottery_by_id'], ['users.id'], name=op.f('fk_draw_plans_lottery_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_draw_plans_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['value_entered_by_id'], ['users.id'], name=op.f('fk_draw_plans_value_entered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draw_plans')),
    sa.UniqueConstraint('jury_id', 'number', name=op.f('uq_draw_plans_jury_id_number'))
    )
    with op.batch_alter_table('draw_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draw_plans_jury_id'), ['jury_id'], unique=False)



def downgrade():
    with op.batch_alter_table('draw_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draw_plans_jury_id'))

    op.drop_table('draw_plans')
