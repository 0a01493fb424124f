"""participatory budgeting: cumulative, ranking and spend-the-budget ballots (points kept
per ballot), an eligibility check by postcode and date of birth (only a keyed hash kept),
and kiosks for in-person events

Revision ID: 369e2ed765f2
Revises: b19c7e3a5d20
Create Date: 2026-12-05 10:30:47.415721

"""

import sqlalchemy as sa
from alembic import op

import consult.models.base

# revision identifiers, used by Alembic.
revision = "369e2ed765f2"
down_revision = "b19c7e3a5d20"
branch_labels = None
depends_on = None

BALLOT_TYPES_BEFORE = "ballot_type IN ('approval')"
BALLOT_TYPES = "ballot_type IN ('approval', 'cumulative', 'ranking', 'knapsack')"
CHANNELS_BEFORE = "channel IN ('online', 'paper')"
CHANNELS = "channel IN ('online', 'paper', 'kiosk')"
IDENTITY_BEFORE = (
    "(channel = 'online' AND voter_code_id IS NOT NULL AND paper_serial IS NULL) OR "
    "(channel = 'paper' AND voter_code_id IS NULL AND paper_serial IS NOT NULL)"
)
IDENTITY = (
    "(channel = 'online' AND paper_serial IS NULL AND kiosk_id IS NULL AND "
    "(voter_code_id IS NULL) <> (eligible_voter_id IS NULL)) OR "
    "(channel = 'paper' AND voter_code_id IS NULL AND eligible_voter_id IS NULL AND "
    "kiosk_id IS NULL AND paper_serial IS NOT NULL) OR "
    "(channel = 'kiosk' AND kiosk_id IS NOT NULL AND paper_serial IS NULL AND "
    "eligible_voter_id IS NULL)"
)


def upgrade():
    op.create_table(
        "pb_eligible_voters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pb_rounds.id"],
            name=op.f("fk_pb_eligible_voters_round_id_pb_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_eligible_voters")),
        sa.UniqueConstraint("round_id", "key_hash", name="eligible_voter_key"),
    )
    with op.batch_alter_table("pb_eligible_voters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_eligible_voters_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "pb_kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=64), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", consult.models.base.UTCDateTime(), nullable=True),
        sa.Column("ballots_taken", sa.Integer(), nullable=False),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pb_rounds.id"],
            name=op.f("fk_pb_kiosks_round_id_pb_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["users.id"],
            name=op.f("fk_pb_kiosks_started_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_kiosks")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pb_kiosks_token_hash")),
    )
    with op.batch_alter_table("pb_kiosks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pb_kiosks_round_id"), ["round_id"], unique=False)

    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("points", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("eligible_voter_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("kiosk_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pb_ballots_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_pb_ballots_eligible_voter_id"), ["eligible_voter_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pb_ballots_kiosk_id_pb_kiosks"), "pb_kiosks", ["kiosk_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pb_ballots_eligible_voter_id_pb_eligible_voters"),
            "pb_eligible_voters",
            ["eligible_voter_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint(batch_op.f("ck_pb_ballots_channel"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_pb_ballots_channel"), CHANNELS)
        batch_op.drop_constraint(batch_op.f("ck_pb_ballots_channel_identity"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_pb_ballots_channel_identity"), IDENTITY)

    with op.batch_alter_table("pb_paper_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("points", sa.JSON(), nullable=True))

    with op.batch_alter_table("pb_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_sum_points", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_points", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("eligibility_check", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("postcode_areas", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("eligibility_salt", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.drop_constraint(batch_op.f("ck_pb_rounds_ballot_type"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_pb_rounds_ballot_type"), BALLOT_TYPES)


def downgrade():
    # Ballots of the new kinds, and the ballots of the new ways in, cannot be kept.
    op.execute("DELETE FROM pb_ballots WHERE channel = 'kiosk' OR eligible_voter_id IS NOT NULL")
    op.execute("DELETE FROM pb_rounds WHERE ballot_type <> 'approval'")
    with op.batch_alter_table("pb_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_pb_rounds_ballot_type"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_pb_rounds_ballot_type"), BALLOT_TYPES_BEFORE
        )
        batch_op.drop_column("eligibility_salt")
        batch_op.drop_column("postcode_areas")
        batch_op.drop_column("eligibility_check")
        batch_op.drop_column("max_points")
        batch_op.drop_column("max_sum_points")

    with op.batch_alter_table("pb_paper_entries", schema=None) as batch_op:
        batch_op.drop_column("points")

    with op.batch_alter_table("pb_ballots", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_pb_ballots_channel_identity"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_pb_ballots_channel_identity"), IDENTITY_BEFORE
        )
        batch_op.drop_constraint(batch_op.f("ck_pb_ballots_channel"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_pb_ballots_channel"), CHANNELS_BEFORE)
        batch_op.drop_constraint(
            batch_op.f("fk_pb_ballots_eligible_voter_id_pb_eligible_voters"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_pb_ballots_kiosk_id_pb_kiosks"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_pb_ballots_eligible_voter_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_pb_ballots_kiosk_id"))
        batch_op.drop_column("kiosk_id")
        batch_op.drop_column("eligible_voter_id")
        batch_op.drop_column("points")

    with op.batch_alter_table("pb_kiosks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_kiosks_round_id"))
    op.drop_table("pb_kiosks")
    with op.batch_alter_table("pb_eligible_voters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_eligible_voters_round_id"))
    op.drop_table("pb_eligible_voters")
