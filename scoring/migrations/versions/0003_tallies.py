"""Running totals per instrument version (schema version 3, issue 16).

``tallies`` holds, per study, instrument version and key, a count, a sum and a sum of squares,
added to in the same transaction as each response is stored: responses per provider, per day and
per raised flag; n, sum and sum of squares of each score per provider; how often each score value
and each likert answer was given; and, per mean or sum score, the complete cases' sums and sums
of squares of each item and of their total (what Cronbach's alpha needs). The dashboard reads
these few hundred rows instead of a million responses. The index on (study, instrument, version)
gains the id, so that the responses after a snapshot's end are found without reading the rest.
The table starts empty here: the store fills it from the responses' cached vectors when it opens
(as it rebuilds that cache), because filling it needs each instrument version's definition,
which a migration must not import.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("study_id", sa.Integer, sa.ForeignKey("studies.id"), primary_key=True),
        sa.Column("instrument_hash", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("sq", sa.Float, nullable=False),
    )
    # one version's rows in id order: the snapshot's end, the responses after it, the newest id
    op.create_index("ix_responses_version", "responses", ["study_id", "instrument_id", "instrument_hash", "id"])
    op.drop_index("ix_responses_study", table_name="responses")
    meta = sa.table("guidecheck_meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.delete().where(meta.c.key == "tallies"))  # filled by the store on open
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="3"))


def downgrade() -> None:
    raise NotImplementedError("GuideCheck does not move a database back to an older schema: restore a backup")
