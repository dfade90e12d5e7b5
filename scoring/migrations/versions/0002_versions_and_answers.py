"""Instrument versions stored with the data, one long table of answers in full, and vectors as a
cache (schema version 2).

- ``instrument_versions``: content hash -> the instrument's definition as loaded (JSON), so that
  every response is read through the version it was answered with, never today's file.
- ``answers`` replaces ``item_points``: per response and shown item, the answer as given (JSON),
  its full text (no 200-character cut) and its points. ``responses.answers`` (the same answers as
  one JSON object, never read) is dropped after its values are copied into ``answers``.
- Definitions of versions already in the database are taken from the built-in instruments whose
  content hash matches; a version whose file was changed before this migration keeps its answers
  and scores readable but cannot be drawn until its definition is registered again.

Revision ID: 0002
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    versions = op.create_table(
        "instrument_versions",
        sa.Column("content_hash", sa.String(16), primary_key=True),
        sa.Column("instrument_id", sa.String(80), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("first_used", sa.Date, nullable=False),
    )
    answers = op.create_table(
        "answers",
        sa.Column("response_id", sa.Integer, sa.ForeignKey("responses.id"), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("value", sa.JSON),
        sa.Column("answer", sa.Text),
        sa.Column("points", sa.Float),
    )
    conn = op.get_bind()
    responses = sa.table("responses", sa.column("id", sa.Integer), sa.column("answers", sa.JSON),
                         sa.column("instrument_hash", sa.String))
    item_points = sa.table("item_points", sa.column("response_id", sa.Integer), sa.column("item_id", sa.String),
                           sa.column("answer", sa.String), sa.column("points", sa.Float))
    last = 0
    while True:  # in batches of responses, so that a large database needs little memory
        given = dict(conn.execute(sa.select(responses.c.id, responses.c.answers).where(responses.c.id > last)
                                  .order_by(responses.c.id).limit(BATCH)).all())
        if not given:
            break
        last = max(given)
        rows = []
        for rid, item_id, answer, points in conn.execute(
                sa.select(item_points.c.response_id, item_points.c.item_id, item_points.c.answer,
                          item_points.c.points).where(item_points.c.response_id.in_(list(given)))):
            stored = given[rid]
            stored = json.loads(stored) if isinstance(stored, str) else (stored or {})
            value = stored.get(item_id)
            rows.append({"response_id": rid, "item_id": item_id, "value": value,
                         "answer": answer_text(value) if value is not None else answer, "points": points})
        if rows:
            op.bulk_insert(answers, rows)
    hashes = {h for (h,) in conn.execute(sa.select(responses.c.instrument_hash).distinct())}
    known = _builtin_definitions(hashes)
    if known:
        op.bulk_insert(versions, [{"content_hash": h, "instrument_id": d["id"], "version": d["version"], "spec": d,
                                   "first_used": dt.date.today()} for h, d in known.items()])
    op.drop_table("item_points")
    op.drop_column("responses", "answers")  # native ALTER TABLE ... DROP COLUMN (SQLite >= 3.35)
    meta = sa.table("guidecheck_meta", sa.column("key", sa.String), sa.column("value", sa.String))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))


def answer_text(value: object) -> str:
    """An answer as text, in full (kept in step with scoring.store.answer_text)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(sorted(map(str, value)))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _builtin_definitions(hashes: set) -> dict:
    """Definitions of the built-in instruments whose content hash is among ``hashes``."""
    if not hashes:
        return {}
    from scoring.loader import validate_paths
    from scoring.settings import MissingFileError, builtin_folder

    try:
        folder = builtin_folder()
    except MissingFileError:
        return {}
    loaded, _ = validate_paths([folder])
    return {i.content_hash: i.spec.model_dump(mode="json", by_alias=True) for i in loaded.values()
            if i.content_hash in hashes}


def downgrade() -> None:
    raise NotImplementedError("GuideCheck does not move a database back to an older schema: restore a backup")
