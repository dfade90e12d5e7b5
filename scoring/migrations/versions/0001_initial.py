"""The schema as GuideCheck made it before migrations (schema version 1, commit 0f2b18e).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table("guidecheck_meta", sa.Column("key", sa.String(64), primary_key=True),
                           sa.Column("value", sa.String(200), nullable=False))
    op.create_table(
        "studies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("instruments", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("min_group", sa.Integer, nullable=False),
        sa.Column("free_text", sa.Boolean, nullable=False),
        sa.Column("consent", sa.Text, nullable=False),
        sa.Column("providers", sa.JSON, nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("created", sa.Date, nullable=False),
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, sa.ForeignKey("studies.id"), nullable=False),
        sa.Column("submission", sa.String(64), nullable=False),
        sa.Column("instrument_id", sa.String(80), nullable=False),
        sa.Column("instrument_version", sa.String(40), nullable=False),
        sa.Column("instrument_hash", sa.String(16), nullable=False),
        sa.Column("provider", sa.String(80)),
        sa.Column("language", sa.String(8)),
        sa.Column("context", sa.String(20), nullable=False),
        sa.Column("submitted", sa.Date, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(40)),
        sa.Column("flags", sa.String(4000), nullable=False),
        sa.Column("score_vector", sa.LargeBinary, nullable=False),
        sa.Column("point_vector", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("submission", "instrument_id", name="uq_response_submission"),
    )
    op.create_index("ix_responses_study", "responses", ["study_id", "instrument_id", "instrument_hash"])
    op.create_index("ix_responses_day", "responses", ["study_id", "submitted"])
    op.create_index("ix_responses_latest", "responses", ["study_id", "id"])
    op.create_table(
        "item_points",
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("answer", sa.String(200)),
        sa.Column("points", sa.Float),
    )
    op.create_table(
        "raised_flags",
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), primary_key=True),
        sa.Column("flag_id", sa.String(80), primary_key=True),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])


def downgrade() -> None:
    for table in ("raised_flags", "item_points", "responses", "studies", "guidecheck_meta"):
        op.drop_table(table)
