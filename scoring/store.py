"""Storage for research mode: studies and anonymous responses, in SQLite (the default, a file in
``data/``) or PostgreSQL when ``DATABASE_URL`` says so, so that several app servers can share one.

Each response keeps its instrument's id, version and content hash, the answers, and the scores
computed at submission. The response row also holds its scores and item points as two float64
vectors, which the dashboard reads for a whole study in one query and works on as whole columns;
answers per item and raised flags go into narrow tables for exports and counts in SQL.
A submission carries an idempotency key under a unique constraint: sending it twice (a double
click, a refresh, a retry) never makes a second row. Only the date is stored, never a time, and
nothing about the person: no name, address, IP or browser.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from .engine import Result
from .instrument import Instrument

SCHEMA_VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "guidecheck.db"
MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR = 11, 5

metadata = MetaData()
meta = Table("guidecheck_meta", metadata, Column("key", String(64), primary_key=True),
             Column("value", String(200), nullable=False))
studies = Table(
    "studies", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("instruments", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("min_group", Integer, nullable=False),
    Column("free_text", Boolean, nullable=False),
    Column("consent", Text, nullable=False),
    Column("providers", JSON, nullable=False),
    Column("is_open", Boolean, nullable=False),
    Column("created", Date, nullable=False),
)
responses = Table(
    "responses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("study_id", ForeignKey("studies.id"), nullable=False),
    Column("submission", String(64), nullable=False),
    Column("instrument_id", String(80), nullable=False),
    Column("instrument_version", String(40), nullable=False),
    Column("instrument_hash", String(16), nullable=False),
    Column("provider", String(80)),
    Column("language", String(8)),
    Column("context", String(20), nullable=False),
    Column("submitted", Date, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("verdict", String(40)),
    Column("flags", String(4000), nullable=False),
    # the scores (in the instrument's score order) and every item's points (in item order) as
    # float64 arrays, NaN where null: the dashboard reads them for a whole study in one query and
    # computes on whole columns. The content hash pins the order.
    Column("score_vector", LargeBinary, nullable=False),
    Column("point_vector", LargeBinary, nullable=False),
    UniqueConstraint("submission", "instrument_id", name="uq_response_submission"),
    Index("ix_responses_study", "study_id", "instrument_id", "instrument_hash"),
    Index("ix_responses_day", "study_id", "submitted"),
    Index("ix_responses_latest", "study_id", "id"),
)
item_points = Table(
    "item_points", metadata,
    Column("response_id", ForeignKey("responses.id"), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("answer", String(200)),
    Column("points", Float),
)
raised_flags = Table(
    "raised_flags", metadata,
    Column("response_id", ForeignKey("responses.id"), primary_key=True),
    Column("flag_id", String(80), primary_key=True),
)


class StoreError(RuntimeError):
    """A problem with the database a person can act on (the message says what)."""


@dataclass(frozen=True)
class Study:
    id: int
    code: str
    title: str
    instruments: list
    languages: list
    min_group: int
    free_text: bool
    consent: str
    providers: list
    is_open: bool
    created: dt.date


def database_url(url: str | None = None) -> str:
    """The URL in use: the argument, else DATABASE_URL, else the SQLite file in data/."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def _sqlite_setup(engine: Engine) -> None:
    """WAL for concurrent readers, a busy timeout, synchronous FULL, and writes that take the
    write lock at BEGIN (IMMEDIATE) so that two writers never deadlock half-way."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Store:
    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        sqlite = self.url.startswith("sqlite")
        kwargs = {"connect_args": {"timeout": 30, "check_same_thread": False}} if sqlite else {
            "pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
        try:
            self.engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver, said plainly
            raise StoreError(f"cannot use the database {self.safe_url}: {exc}") from None
        self.dialect = self.engine.dialect.name
        if sqlite:
            _sqlite_setup(self.engine)
        self._insert = sqlite_insert if sqlite else pg_insert
        self._migrate()

    @property
    def safe_url(self) -> str:
        """The URL without a password, for messages."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001
            return "(database)"

    def _migrate(self) -> None:
        try:
            with self.engine.begin() as conn:
                metadata.create_all(conn, checkfirst=True)
                found = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if found is None:
                    conn.execute(self._insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION))
                                 .on_conflict_do_nothing())
                elif int(found) > SCHEMA_VERSION:
                    raise StoreError(f"the database has schema version {found}; this GuideCheck knows "
                                     f"{SCHEMA_VERSION}. Update GuideCheck.")
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"cannot open the database {self.safe_url}: {str(exc).splitlines()[0]}") from None

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ studies

    def create_study(self, title: str, instruments: list[str], *, languages=("en", "nl"),
                     min_group: int = MIN_GROUP_DEFAULT, free_text: bool = False, consent: str = "",
                     providers=()) -> Study:
        if min_group < MIN_GROUP_FLOOR:
            raise ValueError(f"the minimum group size cannot be below {MIN_GROUP_FLOOR}")
        if not instruments:
            raise ValueError("a study needs at least one instrument")
        providers = sorted({p.strip() for p in providers if p and p.strip()})
        if any(len(p) > 80 for p in providers):
            raise ValueError("provider codes are at most 80 characters")
        code = secrets.token_urlsafe(16)  # 128 bits: not guessable
        with self.engine.begin() as conn:
            conn.execute(studies.insert().values(
                code=code, title=title.strip()[:200], instruments=list(instruments), languages=list(languages),
                min_group=int(min_group), free_text=bool(free_text), consent=consent, providers=providers,
                is_open=True, created=dt.date.today()))
        return self.study(code)

    def study(self, code: str | None) -> Study | None:
        if not code or len(code) > 64:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(studies).where(studies.c.code == code)).mappings().first()
        return Study(**row) if row else None

    def studies(self) -> list[Study]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(studies).order_by(studies.c.id)).mappings().all()
        return [Study(**r) for r in rows]

    def set_open(self, code: str, is_open: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(studies).where(studies.c.code == code).values(is_open=is_open))

    # ------------------------------------------------------------------ responses

    def submit(self, study: Study, submission: str, results: dict[str, tuple[Instrument, dict, Result]], *,
               provider: str | None, language: str, context: str = "unknown") -> bool:
        """Store one participant's submission (one row per instrument) in one transaction.

        Returns False when this submission key was stored before (nothing is written then)."""
        if provider is not None and provider not in study.providers:
            provider = None
        today = dt.date.today()
        with self.engine.begin() as conn:
            fresh = False
            for inst_id, (inst, answers, result) in results.items():
                stmt = self._insert(responses).values(
                    study_id=study.id, submission=submission, instrument_id=inst_id,
                    instrument_version=inst.version, instrument_hash=inst.content_hash, provider=provider,
                    language=language, context=context, submitted=today, answers=_jsonable(answers),
                    scores={k: v for k, v in result.scores.items()}, verdict=result.verdict,
                    flags=";".join(result.flags), score_vector=_vector(result.scores[s] for s in inst.score_ids),
                    point_vector=_vector(result.points.get(i) for i in inst.items),
                ).on_conflict_do_nothing(index_elements=["submission", "instrument_id"])
                new_id = conn.execute(stmt.returning(responses.c.id)).scalar()
                if new_id is None:
                    continue
                fresh = True
                points = [{"response_id": new_id, "item_id": i, "answer": _answer(result, i),
                           "points": result.points.get(i)} for i, s in result.status.items() if s != "hidden"]
                flags = [{"response_id": new_id, "flag_id": f} for f in dict.fromkeys(result.flags)]
                for table, rows in ((item_points, points), (raised_flags, flags)):
                    if rows:
                        conn.execute(table.insert(), rows)
        return fresh

    def has_submission(self, submission: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(responses)
                                .where(responses.c.submission == submission)).scalar() > 0

    def latest(self, study_id: int) -> int:
        """The newest response's id in a study (0 for none): a cheap key for caches, one index seek."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(responses.c.id)).where(responses.c.study_id == study_id)).scalar() or 0

    def count(self, study_id: int | None = None) -> int:
        q = select(func.count()).select_from(responses)
        if study_id is not None:
            q = q.where(responses.c.study_id == study_id)
        with self.engine.connect() as conn:
            return conn.execute(q).scalar()

    def versions(self, study_id: int, instrument_id: str) -> pd.DataFrame:
        """The instrument versions a study holds answers to, newest first, with their counts."""
        q = (select(responses.c.instrument_version, responses.c.instrument_hash, func.count().label("n"),
                    func.max(responses.c.submitted).label("last"))
             .where(responses.c.study_id == study_id, responses.c.instrument_id == instrument_id)
             .group_by(responses.c.instrument_version, responses.c.instrument_hash)
             .order_by(func.max(responses.c.id).desc()))
        with self.engine.connect() as conn:
            return pd.DataFrame(conn.execute(q).mappings().all(), columns=["instrument_version", "instrument_hash",
                                                                            "n", "last"])

    def _scope(self, q, study_id, instrument_id, instrument_hash):
        return q.where(responses.c.study_id == study_id, responses.c.instrument_id == instrument_id,
                       responses.c.instrument_hash == instrument_hash)

    def per_day(self, study_id: int) -> pd.DataFrame:
        q = (select(responses.c.submitted.label("date"), func.count(func.distinct(responses.c.submission))
                    .label("n")).where(responses.c.study_id == study_id)
             .group_by(responses.c.submitted).order_by(responses.c.submitted))
        return self._frame(q, ["date", "n"])

    def flag_counts(self, study_id, instrument_id, instrument_hash) -> pd.DataFrame:
        q = self._scope(select(raised_flags.c.flag_id, func.count().label("n"))
                        .join(responses, raised_flags.c.response_id == responses.c.id),
                        study_id, instrument_id, instrument_hash).group_by(raised_flags.c.flag_id)
        return self._frame(q, ["flag_id", "n"])

    def vectors(self, study_id, instrument: Instrument, instrument_hash) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(providers, scores, points) of every response to one instrument version, from one query:
        scores is responses x the instrument's scores, points is responses x its items (NaN: null)."""
        q = self._scope(select(responses.c.provider, responses.c.score_vector, responses.c.point_vector),
                        study_id, instrument.id, instrument_hash).order_by(responses.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        n_scores, n_items = len(instrument.score_ids), len(instrument.items)
        providers = np.array([r[0] for r in rows], dtype=object)
        scores = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float64).reshape(len(rows), n_scores)
        points = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float64).reshape(len(rows), n_items)
        return providers, scores, points

    def export_frame(self, study_id, instrument_id, instrument_hash, instrument: Instrument | None = None,
                     include_text: bool = False) -> pd.DataFrame:
        """Tidy rows for export: one per response, one column per item and per score (every one of
        the instrument's, even where all are empty). Free-text answers only with ``include_text``."""
        q = self._scope(select(responses.c.id, responses.c.submission, responses.c.instrument_id,
                               responses.c.instrument_version, responses.c.instrument_hash, responses.c.provider,
                               responses.c.language, responses.c.submitted, responses.c.verdict,
                               responses.c.flags), study_id, instrument_id, instrument_hash)
        base = self._frame(q, ["id", "submission", "instrument_id", "instrument_version", "instrument_hash",
                               "provider", "language", "date", "verdict", "flags"])
        if base.empty:
            return base
        answers = self._frame(self._scope(select(item_points.c.response_id, item_points.c.item_id,
                                                 item_points.c.answer)
                                          .join(responses, item_points.c.response_id == responses.c.id),
                                          study_id, instrument_id, instrument_hash),
                              ["response_id", "item_id", "answer"])
        wide = base.set_index("id")
        if not answers.empty:
            wide = wide.join(answers.pivot(index="response_id", columns="item_id", values="answer"))
        if instrument is not None:
            vectors = self._frame(self._scope(select(responses.c.id, responses.c.score_vector), study_id,
                                              instrument_id, instrument_hash).order_by(responses.c.id),
                                  ["id", "score_vector"])
            matrix = np.frombuffer(b"".join(vectors["score_vector"]), dtype=np.float64).reshape(
                len(vectors), len(instrument.score_ids))
            wide = wide.join(pd.DataFrame(matrix, index=vectors["id"],
                                          columns=[f"score_{s}" for s in instrument.score_ids]))
        wide = wide.reset_index(drop=True)
        wide.insert(0, "response_id", wide.pop("submission"))
        if instrument is not None:
            items = [i for i, f in instrument.items.items() if include_text or f.spec.type != "text"]
            fixed = [c for c in wide.columns if c not in instrument.items and not c.startswith("score_")]
            wide = wide.reindex(columns=fixed + items + [f"score_{s}" for s in instrument.score_ids])
        return wide

    def _frame(self, query, columns) -> pd.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=columns)


def _answer(result: Result, item_id: str) -> str | None:
    status = result.status[item_id]
    if status == "unsure":
        return "unsure"
    value = result.values.get(item_id)
    if value is None:
        return None
    if isinstance(value, (set, frozenset)):
        return ";".join(sorted(map(str, value)))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)[:200]


def _vector(values) -> bytes:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64).tobytes()


def _jsonable(answers: dict) -> dict:
    return json.loads(json.dumps({k: sorted(v) if isinstance(v, (set, frozenset)) else v
                                  for k, v in answers.items()}, default=str))
