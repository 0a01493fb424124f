"""participatory budgeting at live events: a live session's "participatory budgeting vote"
round linked to a PB round, and ballots cast in the room (channel "live", one per panel
member)

Revision ID: c4d81f2a9e37
Revises: c19d4a6e8b31
Create Date: 2026-12-05 11:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d81f2a9e37"
down_revision = "c19d4a6e8b31"
branch_labels = None
depends_on = None

KINDS_BEFORE = (
    "kind IN ('briefing', 'open_discussion', 'table_discussion', 'ideas', 'poll', "
    "'drafting', 'final_vote', 'reflection')"
)
KINDS = (
    "kind IN ('briefing', 'open_discussion', 'table_discussion', 'ideas', 'poll', "
    "'drafting', 'final_vote', 'reflection', 'pb_vote')"
)
CHANNELS_BEFORE = "channel IN ('online', 'paper', 'kiosk')"
CHANNELS = "channel IN ('online', 'paper', 'kiosk', 'live')"
IDENTITY_BEFORE = (
    "(channel = 'online' AND paper_serial IS NULL AND kiosk_id IS NULL AND "
    "(voter_code_id IS NULL) <> (eligible_voter_id IS NULL)) OR "
    "(channel = 'paper' AND voter_code_id IS NULL AND eligible_voter_id IS NULL AND "
    "kiosk_id IS NULL AND paper_serial IS NOT NULL) OR "
    "(channel = 'kiosk' AND kiosk_id IS NOT NULL AND paper_serial IS NULL AND "
    "eligible_voter_id IS NULL)"
)
# the ballots before, none of them a panel member's; or a panel member's, cast in the room
IDENTITY = (
    f"(member_id IS NULL AND ({IDENTITY_BEFORE})) OR "
    "(channel = 'live' AND member_id IS NOT NULL AND voter_code_id IS NULL AND "
    "eligible_voter_id IS NULL AND kiosk_id IS NULL AND paper_serial IS NULL)"
)


def _replace_checks(batch_op, checks):
    """Drop and create again each (constraint name, expression) check."""
    for name, expression in checks:
        batch_op.drop_constraint(batch_op.f(name), type_="check")
        batch_op.create_check_constraint(batch_op.f(name), expression)


def upgrade():
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pb_round_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_rounds_pb_round_id"), ["pb_round_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_rounds_pb_round_id_pb_rounds"),
            "pb_rounds",
            ["pb_round_id"],
            ["id"],
            ondelete="SET NULL",
        )
        _replace_checks(batch_op, [("ck_rounds_kind", KINDS)])

    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pb_ballots_member_id"), ["member_id"], unique=False)
        batch_op.create_unique_constraint("one_per_member", ["round_id", "member_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_pb_ballots_member_id_panel_members"),
            "panel_members",
            ["member_id"],
            ["id"],
        )
        _replace_checks(
            batch_op,
            [("ck_pb_ballots_channel", CHANNELS), ("ck_pb_ballots_channel_identity", IDENTITY)],
        )


def downgrade():
    # Ballots cast in the room, and the rounds that took them, cannot be kept.
    op.execute("DELETE FROM pb_ballots WHERE channel = 'live'")
    op.execute(
        "UPDATE jury_sessions SET current_round_id = NULL WHERE current_round_id IN "
        "(SELECT id FROM rounds WHERE kind = 'pb_vote')"
    )
    op.execute("DELETE FROM rounds WHERE kind = 'pb_vote'")
    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        _replace_checks(
            batch_op,
            [
                ("ck_pb_ballots_channel_identity", IDENTITY_BEFORE),
                ("ck_pb_ballots_channel", CHANNELS_BEFORE),
            ],
        )
        batch_op.drop_constraint(
            batch_op.f("fk_pb_ballots_member_id_panel_members"), type_="foreignkey"
        )
        batch_op.drop_constraint("one_per_member", type_="unique")
        batch_op.drop_index(batch_op.f("ix_pb_ballots_member_id"))
        batch_op.drop_column("member_id")

    with op.batch_alter_table("rounds", schema=None) as batch_op:
        _replace_checks(batch_op, [("ck_rounds_kind", KINDS_BEFORE)])
        batch_op.drop_constraint(batch_op.f("fk_rounds_pb_round_id_pb_rounds"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_rounds_pb_round_id"))
        batch_op.drop_column("pb_round_id")
