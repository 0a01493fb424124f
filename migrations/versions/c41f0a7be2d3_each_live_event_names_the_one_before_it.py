"""each live event names the one before it in its room

Revision ID: c41f0a7be2d3
Revises: b7c2e91d4a10
Create Date: 2026-11-23 18:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41f0a7be2d3'
down_revision = 'b7c2e91d4a10'
branch_labels = None
depends_on = None


def upgrade():
    # publishing looks up the room's latest event: (session, room, seq) answers it
    op.create_index(
        'ix_live_events_room_seq', 'live_events', ['session_id', 'room', 'seq'], unique=False
    )


def downgrade():
    op.drop_index('ix_live_events_room_seq', table_name='live_events')
