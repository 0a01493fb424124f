"""participatory budgeting: a proposal's picture, and merging proposals with consent

Revision ID: efc8674f8607
Revises: 369e2ed765f2
Create Date: 2026-12-05 10:31:22.970020

"""

from alembic import op
import sqlalchemy as sa

import consult.models.base


# revision identifiers, used by Alembic.
revision = "efc8674f8607"
down_revision = "369e2ed765f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pb_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("estimated_cost", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", consult.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('asking', 'merged', 'declined', 'withdrawn')",
            name=op.f("ck_pb_merges_status"),
        ),
        sa.CheckConstraint("estimated_cost > 0", name=op.f("ck_pb_merges_cost_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_pb_merges_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pb_rounds.id"],
            name=op.f("fk_pb_merges_round_id_pb_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_merges_survivor_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_merges")),
    )
    with op.batch_alter_table("pb_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pb_merges_round_id"), ["round_id"], unique=False)

    op.create_table(
        "pb_proposal_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=250), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "content_type IN ('image/jpeg', 'image/png', 'image/webp')",
            name=op.f("ck_pb_proposal_images_content_type"),
        ),
        sa.CheckConstraint(
            "length(trim(alt_text)) > 0", name=op.f("ck_pb_proposal_images_alt_text_required")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_proposal_images_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_proposal_images")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_pb_proposal_images_proposal_id")),
    )
    op.create_table(
        "pb_merge_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merge_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("answered_at", consult.models.base.UTCDateTime(), nullable=True),
        sa.Column("via", sa.String(length=20), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('agreed', 'declined')",
            name=op.f("ck_pb_merge_answers_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["merge_id"],
            ["pb_merges.id"],
            name=op.f("fk_pb_merge_answers_merge_id_pb_merges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["pb_proposals.id"],
            name=op.f("fk_pb_merge_answers_proposal_id_pb_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_pb_merge_answers_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pb_merge_answers")),
        sa.UniqueConstraint("merge_id", "proposal_id", name="one_per_proposal"),
    )
    with op.batch_alter_table("pb_merge_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pb_merge_answers_merge_id"), ["merge_id"], unique=False
        )

    with op.batch_alter_table("pb_proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_pb_proposals_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_pb_proposals_merged_into_id_pb_proposals"),
            "pb_proposals",
            ["merged_into_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.drop_constraint(batch_op.f("ck_pb_proposals_moderation"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_pb_proposals_moderation"),
            "moderation IN ('published', 'held', 'rejected', 'merged')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_pb_proposals_merged_into"),
            "(moderation = 'merged') = (merged_into_id IS NOT NULL)",
        )


def downgrade():
    op.execute(
        "UPDATE pb_proposals SET moderation = 'rejected', moderation_reason = 'Merged into another proposal.' WHERE moderation = 'merged'"
    )
    with op.batch_alter_table("pb_proposals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_pb_proposals_merged_into"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_pb_proposals_moderation"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_pb_proposals_moderation"),
            "moderation IN ('published', 'held', 'rejected')",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_pb_proposals_merged_into_id_pb_proposals"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pb_proposals_merged_into_id"))
        batch_op.drop_column("merged_into_id")

    with op.batch_alter_table("pb_merge_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_merge_answers_merge_id"))

    op.drop_table("pb_merge_answers")
    op.drop_table("pb_proposal_images")
    with op.batch_alter_table("pb_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pb_merges_round_id"))

    op.drop_table("pb_merges")
