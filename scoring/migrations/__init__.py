"""Moving a database to the schema this GuideCheck expects, with Alembic (made for SQLAlchemy:
revisions in ``versions/``, run here without an alembic.ini so that the app and the CLI can call
it on start).

On start: an empty database gets the whole schema; a database made before migrations (schema
version 1, no ``alembic_version``) is checked against that schema, marked as revision 0001 and
upgraded; anything else that is not clearly ours is refused rather than stamped, and so is a
database made by a newer GuideCheck. After upgrading, every expected table and column must be
there, or the store refuses with a message that names what is missing.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..errors import GuideCheckError

HERE = Path(__file__).resolve().parent
OURS = {"guidecheck_meta", "studies", "responses", "item_points", "raised_flags", "instrument_versions", "answers",
        "tallies"}
# the tables and columns of schema version 1 (commit 0f2b18e), as found in a database made then
V1 = {
    "guidecheck_meta": {"key", "value"},
    "studies": {"id", "code", "title", "instruments", "languages", "min_group", "free_text", "consent", "providers",
                "is_open", "created"},
    "responses": {"id", "study_id", "submission", "instrument_id", "instrument_version", "instrument_hash",
                  "provider", "language", "context", "submitted", "answers", "scores", "verdict", "flags",
                  "score_vector", "point_vector"},
    "item_points": {"response_id", "item_id", "answer", "points"},
    "raised_flags": {"response_id", "flag_id"},
}
LOCK = 0x6775696465  # a PostgreSQL advisory lock: two servers starting at once migrate one after the other


class SchemaError(GuideCheckError, RuntimeError):
    """The database cannot be used as it is; the message says why and what to do."""


def script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return ScriptDirectory.from_config(config)


def head(scripts: ScriptDirectory | None = None) -> str:
    """The newest revision in versions/ (there is always one: a missing one is a broken install)."""
    found = (scripts or script()).get_current_head()
    if found is None:
        raise SchemaError(f"no database migrations were found in {HERE / 'versions'}: reinstall GuideCheck")
    return found


def current(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: sa.Connection, schema_version: int) -> str:
    """Bring the database on ``conn`` (inside a transaction) to the newest revision, or raise
    SchemaError. Returns the revision reached."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    scripts = script()
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" in tables:
        found = current(conn)
        if found is not None and found not in {s.revision for s in scripts.walk_revisions()}:
            raise SchemaError(f"the database was made by a newer GuideCheck (schema revision {found}); "
                              "update GuideCheck to use it")
        _check_meta(conn, schema_version, tables, required=found is not None)
        start = found
    elif not tables & OURS:
        start = None  # an empty database (or one that holds only other programs' tables)
    else:
        version = _check_meta(conn, schema_version, tables, required=True)
        if version != 1:
            raise SchemaError(f"the database says schema version {version}, which this GuideCheck cannot "
                              "move on safely; it was left unchanged")
        missing = missing_columns(conn, V1)
        if missing:
            raise SchemaError("the database does not have the schema it claims (version 1): missing "
                              + ", ".join(missing) + "; it was left unchanged")
        start = "0001"
    target = head(scripts)
    if start != target:
        with EnvironmentContext(Config(), scripts, fn=lambda rev, _: scripts._upgrade_revs(target, rev),
                                destination_rev=target) as env:
            env.configure(connection=conn, starting_rev=None, transactional_ddl=True)
            if start is not None and current(conn) is None:
                env.get_context().stamp(scripts, start)
            env.run_migrations()
    return target


def _check_meta(conn: sa.Connection, schema_version: int, tables: set[str], required: bool) -> int | None:
    """The schema version in guidecheck_meta; refuses a newer one, and (when ``required``) a
    missing table, row or a version that is not a whole number of at least 1."""
    if "guidecheck_meta" not in tables:
        if required:
            raise SchemaError("the database has GuideCheck's tables but no guidecheck_meta table saying which "
                              "schema they follow; it was left unchanged")
        return None
    raw = conn.execute(sa.text("SELECT value FROM guidecheck_meta WHERE key = 'schema_version'")).scalar()
    try:
        version: int | None = int(raw) if raw is not None else None
    except (TypeError, ValueError):
        version = None
    if version is not None and version > schema_version:
        raise SchemaError(f"the database has schema version {version}; this GuideCheck knows "
                          f"{schema_version}. Update GuideCheck.")
    if required and (version is None or version < 1):
        raise SchemaError(f"the database says schema version {raw!r}, which GuideCheck never wrote; "
                          "it was left unchanged")
    return version


def missing_columns(conn: sa.Connection, expected: dict[str, set[str]]) -> list[str]:
    """``table`` or ``table.column`` for everything in ``expected`` the database lacks."""
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    out = []
    for table, columns in expected.items():
        if table not in tables:
            out.append(table)
            continue
        have = {c["name"] for c in inspector.get_columns(table)}
        out += [f"{table}.{c}" for c in sorted(set(columns) - have)]
    return out
