"""population margins, consultation weighting and the jury before/after questionnaire

Revision ID: e7a4c2b91d05
Revises: 7b2e5c0d9a41
Create Date: 2026-12-05 07:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import consult.models.base

# revision identifiers, used by Alembic.
revision = "e7a4c2b91d05"
down_revision = "7b2e5c0d9a41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "population_margins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("shares", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_population_margins_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_margins")),
        sa.UniqueConstraint("area", name=op.f("uq_population_margins_area")),
    )
    op.create_table(
        "consultation_weightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("margins_id", sa.Integer(), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("trim_low", sa.Float(), nullable=False),
        sa.Column("trim_high", sa.Float(), nullable=False),
        sa.Column("updated_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_weightings_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["margins_id"],
            ["population_margins.id"],
            name=op.f("fk_consultation_weightings_margins_id_population_margins"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_weightings")),
        sa.UniqueConstraint(
            "consultation_id", name=op.f("uq_consultation_weightings_consultation_id")
        ),
    )
    op.create_table(
        "jury_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jury_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('agreement', 'choice')", name=op.f("ck_jury_questions_kind")),
        sa.ForeignKeyConstraint(
            ["jury_id"],
            ["juries.id"],
            name=op.f("fk_jury_questions_jury_id_juries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_questions")),
    )
    with op.batch_alter_table("jury_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jury_questions_jury_id"), ["jury_id"], unique=False)
    op.create_table(
        "jury_question_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_at", consult.models.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "stage IN ('before', 'after')", name=op.f("ck_jury_question_answers_stage")
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_jury_question_answers_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_jury_question_answers_member_id_panel_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["jury_questions.id"],
            name=op.f("fk_jury_question_answers_question_id_jury_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jury_question_answers")),
        sa.UniqueConstraint(
            "question_id",
            "member_id",
            "stage",
            name=op.f("uq_jury_question_answers_question_id_member_id_stage"),
        ),
    )
    with op.batch_alter_table("jury_question_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_jury_question_answers_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_jury_question_answers_question_id"), ["question_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("jury_question_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jury_question_answers_question_id"))
        batch_op.drop_index(batch_op.f("ix_jury_question_answers_member_id"))
    op.drop_table("jury_question_answers")
    with op.batch_alter_table("jury_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jury_questions_jury_id"))
    op.drop_table("jury_questions")
    op.drop_table("consultation_weightings")
    op.drop_table("population_margins")
