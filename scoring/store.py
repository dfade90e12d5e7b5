"""Storage for research mode: studies and anonymous responses, in SQLite (the default, a file in
``data/``) or PostgreSQL when ``DATABASE_URL`` says so, so that several app servers can share one.

Each response keeps its instrument's id, version and content hash, and the scores computed at
submission. The instrument's definition as loaded is stored once per content hash
(``instrument_versions``, written on first use), and every response is read back through the
version it was answered with, never through today's file. The answers live in one long table
(``answers``: the answer as given, its full text and its points); each response row also holds its
scores and item points as two float64 vectors, a cache the dashboard reads for a whole study in
one query, rebuilt from the answers when it does not fit its version (or ``python -m scoring
rebuild-cache``). Raised flags go into a narrow table for counts in SQL. ``tallies`` keeps running
totals per instrument version (counts, sums and sums of squares; see ``tally_increments``), added
to in the same transaction as each response, so that the dashboard reads a few hundred rows, not
every response. The schema is moved on
by the migrations in ``scoring/migrations`` (Alembic) when a store opens.
A submission carries an idempotency key under a unique constraint: sending it twice (a double
click, a refresh, a retry) never makes a second row. Only the date is stored, never a time, and
nothing about the person: no name, address, IP or browser.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, NamedTuple, ParamSpec, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    BigInteger,
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
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Select

from . import migrations, model, settings
from .engine import Result, score_response
from .errors import GuideCheckError
from .instrument import Instrument, build
from .items import plugin as item_type

if TYPE_CHECKING:
    from typing_extensions import Unpack  # in typing from Python 3.11

SCHEMA_VERSION = 3
TALLY_VERSION = 1  # the keys of ``tallies``; another value rebuilds them on start
CACHE_VERSION = 1  # the layout of score_vector / point_vector; another value rebuilds them on start
log = logging.getLogger("guidecheck")
MIN_GROUP_DEFAULT, MIN_GROUP_FLOOR = 11, 5
SQLITE_BUSY_SECONDS = 30  # how long a writer waits for another writer's lock on SQLite
UNREACHABLE = "the database cannot be reached or refused the request (the server's log has the details)"

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
    Column("scores", JSON, nullable=False),  # as computed at submission (the vectors may be rebuilt)
    Column("verdict", String(40)),
    Column("flags", String(4000), nullable=False),
    # a cache: the scores (in the version's score order) and every item's points (in its item
    # order) as float64 arrays, NaN where null, rebuilt from ``answers`` when they do not fit. The
    # dashboard reads them for a whole study in one query and computes on whole columns.
    Column("score_vector", LargeBinary, nullable=False),
    Column("point_vector", LargeBinary, nullable=False),
    UniqueConstraint("submission", "instrument_id", name="uq_response_submission"),
    Index("ix_responses_version", "study_id", "instrument_id", "instrument_hash", "id"),
    Index("ix_responses_day", "study_id", "submitted"),
    Index("ix_responses_latest", "study_id", "id"),
)
answers_table = Table(
    "answers", metadata,
    Column("response_id", ForeignKey("responses.id"), primary_key=True),
    Column("item_id", String(80), primary_key=True),
    Column("value", JSON),  # the answer as given ("unsure" for unsure, a list for a multiple choice)
    Column("answer", Text),  # as text, in full
    Column("points", Float),
)
instrument_versions = Table(
    "instrument_versions", metadata,
    Column("content_hash", String(16), primary_key=True),
    Column("instrument_id", String(80), nullable=False),
    Column("version", String(40), nullable=False),
    Column("spec", JSON, nullable=False),  # the definition as loaded (model.InstrumentSpec as JSON)
    Column("first_used", Date, nullable=False),
)
raised_flags = Table(
    "raised_flags", metadata,
    Column("response_id", ForeignKey("responses.id"), primary_key=True),
    Column("flag_id", String(80), primary_key=True),
)
tallies = Table(
    "tallies", metadata,
    Column("study_id", ForeignKey("studies.id"), primary_key=True),
    Column("instrument_hash", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),  # see tally_increments
    Column("n", BigInteger, nullable=False),
    Column("total", Float, nullable=False),
    Column("sq", Float, nullable=False),
)


class StoreError(GuideCheckError, RuntimeError):
    """A problem with the database a person can act on (the message says what)."""


Sums = list[float]  # a running total: [n, total, sum of squares] (n a whole number)


class Chunk(NamedTuple):
    """Responses of one instrument version read together (``Store._stream``): one entry per response."""
    last: int  # the id of the last of them
    providers: np.ndarray  # object: the provider code, or None
    dates: np.ndarray  # object: the date stored
    scores: np.ndarray  # float64, responses x the version's scores (NaN: null)
    points: np.ndarray  # float64, responses x the version's items (NaN: null)
    flags: list[list[str]]  # the flags each raised


@dataclass(frozen=True)
class Study:
    id: int
    code: str
    title: str
    instruments: list[str]
    languages: list[str]
    min_group: int
    free_text: bool
    consent: str
    providers: list[str]
    is_open: bool
    created: dt.date


def database_url(url: str | None = None) -> str:
    """The URL in use: the argument, else DATABASE_URL, else the SQLite file in GUIDECHECK_DATA_DIR
    (default: data/ in the current folder; see scoring.settings)."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    path = settings.default_database()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _sqlite_setup(engine: Engine) -> None:
    """WAL for concurrent readers, a busy timeout, synchronous FULL, and writes that take the
    write lock at BEGIN (IMMEDIATE) so that two writers never deadlock half-way. Reads begin a
    plain (deferred) transaction: under WAL they neither take nor wait for the write lock, so a
    second server writing to the same file never makes a read fail with "database is locked"."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not pysqlite, issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("guidecheck_write") else "BEGIN")


_Select = TypeVar("_Select", bound="Select[Unpack[tuple[Any, ...]]]")
_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass
class _Held:
    """What a study holds of one instrument version (``Store.versions``)."""
    content_hash: str
    version: str | None = None
    n: int = 0
    last: str | None = None  # the newest date, ISO


def _plain_errors(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """The database driver's errors (a server that is down, a locked or missing file) become a
    StoreError without host, port, user or file path; the details and traceback go to the log."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except DBAPIError:
            log.exception("database error in Store.%s on %s", method.__name__, self.safe_url)
            raise StoreError(UNREACHABLE) from None

    return wrapper


class Store:
    def __init__(self, url: str | None = None):
        self.url = database_url(url)
        sqlite = self.url.startswith("sqlite")
        kwargs: dict[str, object] = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}} \
            if sqlite else {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}
        try:
            self.engine = create_engine(self.url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver, said plainly
            raise StoreError(f"cannot use the database {self.safe_url}: {exc}") from None
        self.dialect = self.engine.dialect.name
        if sqlite:
            _sqlite_setup(self.engine)
        self._writer = self.engine.execution_options(guidecheck_write=True)  # BEGIN IMMEDIATE on SQLite
        self._insert = sqlite_insert if sqlite else pg_insert
        self.rows_read = 0  # responses read by tally(); a test counts them
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
        """Upgrade the database to this GuideCheck's schema (or refuse, saying why), check that
        every expected table and column is there, and rebuild the vector cache if its layout changed."""
        self._versions: dict[str, Instrument | None] = {}
        try:
            with self._writer.begin() as conn:
                migrations.upgrade(conn, SCHEMA_VERSION)
                missing = migrations.missing_columns(conn, {t.name: {c.name for c in t.columns}
                                                            for t in metadata.sorted_tables})
                if missing:
                    raise StoreError(f"the database {self.safe_url} lacks {', '.join(missing)}; it does not have "
                                     "the schema it claims. Restore it from a backup or point GuideCheck at "
                                     "another database.")
                cache = conn.execute(select(meta.c.value).where(meta.c.key == "vector_cache")).scalar()
                kept = conn.execute(select(meta.c.value).where(meta.c.key == "tallies")).scalar()
        except StoreError:
            raise
        except migrations.SchemaError as exc:
            raise StoreError(f"cannot use the database {self.safe_url}: {exc}") from None
        except Exception as exc:  # noqa: BLE001
            log.exception("cannot open the database %s", self.safe_url)
            raise StoreError(f"cannot open the database {self.safe_url}: {str(exc).splitlines()[0]}") from None
        if cache != str(CACHE_VERSION):
            self.rebuild_cache()
        elif kept != str(TALLY_VERSION):
            self.rebuild_tallies()

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ studies

    def create_study(self, title: str, instruments: list[str], *, languages: Sequence[str] = ("en", "nl"),
                     min_group: int = MIN_GROUP_DEFAULT, free_text: bool = False, consent: str = "",
                     providers: Iterable[str] = ()) -> Study:
        if min_group < MIN_GROUP_FLOOR:
            raise ValueError(f"the minimum group size cannot be below {MIN_GROUP_FLOOR}")
        if not instruments:
            raise ValueError("a study needs at least one instrument")
        codes = sorted({p.strip() for p in providers if p and p.strip()})
        if any(len(p) > 80 for p in codes):
            raise ValueError("provider codes are at most 80 characters")
        code = secrets.token_urlsafe(16)  # 128 bits: not guessable
        with self._writer.begin() as conn:
            conn.execute(studies.insert().values(
                code=code, title=title.strip()[:200], instruments=list(instruments), languages=list(languages),
                min_group=int(min_group), free_text=bool(free_text), consent=consent, providers=codes,
                is_open=True, created=dt.date.today()))
        study = self.study(code)
        if study is None:  # just written in a committed transaction: only a broken database loses it
            raise StoreError(f"the study just created cannot be read back from {self.safe_url}")
        return study

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
        with self._writer.begin() as conn:
            conn.execute(update(studies).where(studies.c.code == code).values(is_open=is_open))

    # ------------------------------------------------------------------ responses

    # ------------------------------------------------------------------ instrument versions

    def register(self, inst: Instrument, conn: Connection | None = None) -> None:
        """Keep ``inst``'s definition under its content hash (once: later calls change nothing)."""
        if self._versions.get(inst.content_hash) is not None:
            return
        stmt = self._insert(instrument_versions).values(
            content_hash=inst.content_hash, instrument_id=inst.id, version=inst.version,
            spec=inst.spec.model_dump(mode="json", by_alias=True), first_used=dt.date.today(),
        ).on_conflict_do_nothing(index_elements=["content_hash"])
        if conn is None:
            with self._writer.begin() as own:
                own.execute(stmt)
            self._versions[inst.content_hash] = inst
        else:
            conn.execute(stmt)  # known only once the caller's transaction commits (see submit)

    def instrument(self, content_hash: str) -> Instrument | None:
        """The instrument version with this content hash, rebuilt from its stored definition (None
        when it was never stored). Kept in memory: a version never changes."""
        if content_hash in self._versions and self._versions[content_hash] is not None:
            return self._versions[content_hash]
        with self.engine.connect() as conn:
            spec = conn.execute(select(instrument_versions.c.spec)
                                .where(instrument_versions.c.content_hash == content_hash)).scalar()
        if spec is None:
            return None
        inst, problems = build(model.InstrumentSpec.model_validate(spec), f"<stored version {content_hash}>")
        if problems:
            raise StoreError(f"the stored definition of instrument version {content_hash} no longer loads: "
                             f"{problems[0][1]}")
        inst.content_hash = content_hash  # the hash it was stored under, whatever later code computes
        self._versions[content_hash] = inst
        return inst

    def _version(self, instrument: Instrument | None, content_hash: str) -> Instrument:
        """The version answered: stored, else ``instrument`` if it is that version (then stored)."""
        found = self.instrument(content_hash)
        if found is None and instrument is not None and instrument.content_hash == content_hash:
            self.register(instrument)
            found = instrument
        if found is None:
            raise StoreError(f"the definition of instrument version {content_hash} is not stored, and no "
                             "instrument with that content hash is loaded")
        return found

    # ------------------------------------------------------------------ responses

    def submit(self, study: Study, submission: str,
               results: Mapping[str, tuple[Instrument, Mapping[str, object], Result]], *,
               provider: str | None, language: str, context: str = "unknown") -> bool:
        """Store one participant's submission (one row per instrument) in one transaction.

        Returns False when this submission key was stored before (nothing is written then)."""
        if provider is not None and provider not in study.providers:
            provider = None
        today = dt.date.today()
        increments = {inst_id: tally_increments(  # before the write lock, which is held while they are added
            inst, np.array([provider], dtype=object), np.array([today], dtype=object),
            np.array([[_num(result.scores[sid]) for sid in inst.score_ids]]),
            np.array([[_num(result.points.get(i)) for i in inst.items]]), [list(dict.fromkeys(result.flags))])
            for inst_id, (inst, _, result) in results.items()}
        with self._writer.begin() as conn:
            fresh = False
            counts: dict[tuple[int, str, str], Sums] = {}
            for inst_id, (inst, answers, result) in results.items():
                self.register(inst, conn)
                stmt = self._insert(responses).values(
                    study_id=study.id, submission=submission, instrument_id=inst_id,
                    instrument_version=inst.version, instrument_hash=inst.content_hash, provider=provider,
                    language=language, context=context, submitted=today,
                    scores={k: v for k, v in result.scores.items()}, verdict=result.verdict,
                    flags=";".join(result.flags), score_vector=_vector(result.scores[s] for s in inst.score_ids),
                    point_vector=_vector(result.points.get(i) for i in inst.items),
                ).on_conflict_do_nothing(index_elements=["submission", "instrument_id"])
                new_id = conn.execute(stmt.returning(responses.c.id)).scalar()
                if new_id is None:
                    continue
                fresh = True
                given = _jsonable(answers)
                rows = [{"response_id": new_id, "item_id": i, "value": given.get(i),
                         "answer": _answer(result, i, given.get(i)),
                         "points": result.points.get(i)} for i, s in result.status.items() if s != "hidden"]
                flags = [{"response_id": new_id, "flag_id": f} for f in dict.fromkeys(result.flags)]
                for table, batch in ((answers_table, rows), (raised_flags, flags)):
                    if batch:
                        conn.execute(table.insert(), batch)
                for key, value in increments[inst_id].items():
                    counts[(study.id, inst.content_hash, key)] = value
            self._add_tallies(conn, counts)  # last: the hot rows stay locked for as short a time as can be
        for inst, _, _ in results.values():
            self._versions.setdefault(inst.content_hash, inst)
        return fresh

    def rebuild_cache(self, study_id: int | None = None, content_hash: str | None = None) -> tuple[int, int]:
        """Recompute the score and point vectors from the answers table, through each response's
        own instrument version. Returns (rebuilt, skipped: responses whose version is not stored)."""
        q = select(responses.c.id, responses.c.instrument_hash, responses.c.context).order_by(responses.c.id)
        if study_id is not None:
            q = q.where(responses.c.study_id == study_id)
        if content_hash is not None:
            q = q.where(responses.c.instrument_hash == content_hash)
        rebuilt = skipped = 0
        with self.engine.connect() as conn:
            targets = conn.execute(q).all()
        for start in range(0, len(targets), 500):
            chunk = targets[start:start + 500]
            versions = {h: self.instrument(h) for h in {r.instrument_hash for r in chunk}}  # before the write lock
            with self._writer.begin() as conn:
                given: dict[int, dict[str, object]] = {r.id: {} for r in chunk}
                for rid, item_id, value in conn.execute(
                        select(answers_table.c.response_id, answers_table.c.item_id, answers_table.c.value)
                        .where(answers_table.c.response_id.in_(list(given)))):
                    if value is not None:
                        given[rid][item_id] = value
                for row in chunk:
                    inst = versions[row.instrument_hash]
                    if inst is None:
                        skipped += 1
                        continue
                    result = score_response(inst, given[row.id], context=row.context, audience="research")
                    conn.execute(update(responses).where(responses.c.id == row.id).values(
                        score_vector=_vector(result.scores[s] for s in inst.score_ids),
                        point_vector=_vector(result.points.get(i) for i in inst.items)))
                    rebuilt += 1
        if study_id is None and content_hash is None:
            with self._writer.begin() as conn:
                conn.execute(self._insert(meta).values(key="vector_cache", value=str(CACHE_VERSION))
                             .on_conflict_do_update(index_elements=["key"], set_={"value": str(CACHE_VERSION)}))
        self.rebuild_tallies(study_id, content_hash)  # the running totals follow the vectors
        if skipped:
            log.warning("%d responses kept their cached vectors: their instrument version is not stored", skipped)
        return rebuilt, skipped

    def _add_tallies(self, conn: Connection, counts: dict[tuple[int, str, str], Sums]) -> None:
        """Add ``counts`` ((study, version, key) -> [n, total, sq]) to the running totals, in key
        order, so that two transactions adding to the same rows lock them in the same order and
        never deadlock."""
        if not counts:
            return
        stmt = self._insert(tallies)
        stmt = stmt.on_conflict_do_update(index_elements=["study_id", "instrument_hash", "key"], set_={
            "n": tallies.c.n + stmt.excluded.n, "total": tallies.c.total + stmt.excluded.total,
            "sq": tallies.c.sq + stmt.excluded.sq})
        conn.execute(stmt, [{"study_id": k[0], "instrument_hash": k[1], "key": k[2], "n": int(v[0]),
                             "total": float(v[1]), "sq": float(v[2])} for k, v in sorted(counts.items())])

    def _stream(self, conn: Connection, study_id: int, inst: Instrument, instrument_hash: str, after: int = 0,
                upto: int | None = None, chunk: int = 50_000) -> Iterator[Chunk]:
        """(last id, providers, dates, scores, points, flags) of one version's responses with id in
        (after, upto], in chunks, as arrays (the cached vectors; flags from raised_flags)."""
        n_scores, n_items = len(inst.score_ids), len(inst.items)
        last = after
        while True:
            q = self._upto(self._scope(select(responses.c.id, responses.c.provider, responses.c.submitted,
                                              responses.c.score_vector, responses.c.point_vector),
                                       study_id, inst.id, instrument_hash).where(responses.c.id > last), upto)
            rows = conn.execute(q.order_by(responses.c.id).limit(chunk)).all()
            if not rows:
                return
            if not all(len(r[3]) == 8 * n_scores and len(r[4]) == 8 * n_items for r in rows):
                raise StoreError(f"the cached scores of instrument version {instrument_hash} do not fit it")
            ids = [r[0] for r in rows]
            raised: dict[int, list[str]] = {}
            for rid, flag in conn.execute(select(raised_flags.c.response_id, raised_flags.c.flag_id)
                                          .where(raised_flags.c.response_id.in_(ids))):
                raised.setdefault(rid, []).append(flag)
            last = ids[-1]
            self.rows_read += len(rows)
            yield Chunk(
                last, np.array([r[1] for r in rows], dtype=object), np.array([r[2] for r in rows], dtype=object),
                np.frombuffer(b"".join(r[3] for r in rows), dtype=np.float64).reshape(len(rows), n_scores),
                np.frombuffer(b"".join(r[4] for r in rows), dtype=np.float64).reshape(len(rows), n_items),
                [raised.get(i, []) for i in ids])

    def rebuild_tallies(self, study_id: int | None = None, instrument_hash: str | None = None) -> int:
        """Recompute the running totals from the cached vectors (all, or one study's, or one
        version's). Returns the responses read."""
        q = select(responses.c.study_id, responses.c.instrument_hash).distinct()
        if study_id is not None:
            q = q.where(responses.c.study_id == study_id)
        if instrument_hash is not None:
            q = q.where(responses.c.instrument_hash == instrument_hash)
        read = 0
        with self.engine.connect() as conn:
            targets = conn.execute(q).all()
        for sid, h in targets:
            inst = self.instrument(h)
            with self._writer.begin() as conn:
                conn.execute(tallies.delete().where(tallies.c.study_id == sid, tallies.c.instrument_hash == h))
                if inst is None:
                    self._add_tallies(conn, self._counts_only(conn, sid, h))
                    continue
                counts: dict[str, Sums] = {}
                for chunk in self._stream(conn, sid, inst, h):
                    _merge(counts, _chunk_increments(inst, chunk))
                    read += len(chunk.providers)
                self._add_tallies(conn, {(sid, h, k): v for k, v in counts.items()})
        if study_id is None and instrument_hash is None:
            with self._writer.begin() as conn:
                conn.execute(self._insert(meta).values(key="tallies", value=str(TALLY_VERSION))
                             .on_conflict_do_update(index_elements=["key"], set_={"value": str(TALLY_VERSION)}))
        return read

    @staticmethod
    def _counts_only(conn: Connection, sid: int, h: str) -> dict[tuple[int, str, str], Sums]:
        """The running totals that need no instrument definition (responses per version, group and
        day), for a version whose definition is not stored."""
        log.warning("instrument version %s has no stored definition: only its counts are kept", h)
        scope = (responses.c.study_id == sid, responses.c.instrument_hash == h)
        counts: dict[tuple[int, str, str], Sums] = {}
        for i, v, n in conn.execute(select(responses.c.instrument_id, responses.c.instrument_version,
                                           func.count()).where(*scope).group_by(
                                               responses.c.instrument_id, responses.c.instrument_version)):
            counts[(sid, h, f"v|{i}|{v}")] = [n, 0.0, 0.0]
        for column, prefix in ((responses.c.provider, "n"), (responses.c.submitted, "d")):
            for value, n in conn.execute(select(column, func.count()).where(*scope).group_by(column)):
                label = NO_PROVIDER if prefix == "n" and value is None else str(value)
                counts[(sid, h, f"{prefix}|{label}")] = [n, 0.0, 0.0]
        return counts

    def tally(self, study_id: int, instrument: Instrument | None, instrument_hash: str, upto: int
              ) -> dict[str, Sums]:
        """The running totals of one version's responses up to id ``upto`` (key -> [n, total, sq]):
        the stored totals, minus what the responses after ``upto`` added (fewer than K when
        ``upto`` is the current snapshot's end). Both are read in one transaction, so a response
        stored meanwhile is in both or in neither. ``rows_read`` counts the responses read."""
        inst = self._version(instrument, instrument_hash)
        with self._reader() as conn:
            counts = {k: [n, t, q] for k, n, t, q in conn.execute(
                select(tallies.c.key, tallies.c.n, tallies.c.total, tallies.c.sq)
                .where(tallies.c.study_id == study_id, tallies.c.instrument_hash == instrument_hash))}
            for chunk in self._stream(conn, study_id, inst, instrument_hash, after=upto):
                _merge(counts, _chunk_increments(inst, chunk), sign=-1)
        return {k: v for k, v in counts.items() if v[0] != 0}

    def _reader(self) -> Connection:
        """A connection whose reads all see one snapshot of the database (SQLite's read
        transactions always do; PostgreSQL needs REPEATABLE READ for that)."""
        if self.dialect == "postgresql":
            return self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        return self.engine.connect()

    def has_submission(self, submission: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(responses)
                                .where(responses.c.submission == submission)).scalar_one() > 0

    def latest(self, study_id: int) -> int:
        """The newest response's id in a study (0 for none): a cheap key for caches, one index seek."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(responses.c.id)).where(responses.c.study_id == study_id)).scalar() or 0

    def count(self, study_id: int | None = None) -> int:
        """Responses stored (in one study: from the running totals)."""
        if study_id is not None:
            q = select(func.coalesce(func.sum(tallies.c.n), 0)).where(tallies.c.study_id == study_id,
                                                                     tallies.c.key.like("v|%"))
        else:
            q = select(func.count()).select_from(responses)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def versions(self, study_id: int, instrument_id: str) -> pd.DataFrame:
        """The instrument versions a study holds answers to, newest first, with their counts (from
        the running totals, and one index seek per version for its newest response)."""
        found: dict[str, _Held] = {}
        with self._reader() as conn:
            for h, key, n in conn.execute(select(tallies.c.instrument_hash, tallies.c.key, tallies.c.n).where(
                    tallies.c.study_id == study_id, tallies.c.key.like("v|%") | tallies.c.key.like("d|%"))):
                entry = found.setdefault(h, _Held(h))
                if key.startswith("v|"):
                    inst_id, version = key.split("|", 2)[1:]
                    if inst_id == instrument_id:
                        entry.version, entry.n = version, entry.n + n
                elif entry.last is None or key[2:] > entry.last:
                    entry.last = key[2:]
            held = [e for e in found.values() if e.version is not None and e.n > 0]
            newest = {e.content_hash: conn.execute(select(func.max(responses.c.id)).where(
                responses.c.study_id == study_id, responses.c.instrument_id == instrument_id,
                responses.c.instrument_hash == e.content_hash)).scalar() or 0 for e in held}
        held.sort(key=lambda e: -newest[e.content_hash])
        return pd.DataFrame([(e.version, e.content_hash, e.n, dt.date.fromisoformat(e.last) if e.last else None)
                             for e in held], columns=["instrument_version", "instrument_hash", "n", "last"])

    @staticmethod
    def _scope(q: _Select, study_id: int, instrument_id: str, instrument_hash: str) -> _Select:
        return q.where(responses.c.study_id == study_id, responses.c.instrument_id == instrument_id,
                       responses.c.instrument_hash == instrument_hash)

    def snapshot(self, study_id: int, instrument_id: str, instrument_hash: str, k: int) -> tuple[int, int]:
        """(n, upto): the first ``n`` responses of one instrument version in the order they were
        stored, ``n`` the largest multiple of ``k`` there is, and ``upto`` the id of the last of them
        (0 when fewer than ``k``). Everything a researcher sees is read from these rows only, so it
        changes in steps of ``k`` new responses, never one. Computed from the data alone: the same on
        every server and after a restart."""
        with self._reader() as conn:  # the count from the running totals, then fewer than k index steps back
            total = sum(n for key, n in conn.execute(select(tallies.c.key, tallies.c.n).where(
                tallies.c.study_id == study_id, tallies.c.instrument_hash == instrument_hash,
                tallies.c.key.like("v|%"))) if key.split("|", 2)[1] == instrument_id)
            n = total // k * k if k > 0 else total
            if n == 0:
                return 0, 0
            upto = conn.execute(self._scope(select(responses.c.id), study_id, instrument_id, instrument_hash)
                                .order_by(responses.c.id.desc()).offset(total - n).limit(1)).scalar()
        return n, int(upto or 0)  # no row there only when rows were deleted behind the totals' back

    @staticmethod
    def _upto(q: _Select, upto: int | None) -> _Select:
        return q if upto is None else q.where(responses.c.id <= upto)

    def per_day(self, study_id: int, instrument_id: str | None = None, instrument_hash: str | None = None,
                upto: int | None = None) -> pd.DataFrame:
        """Submissions per date in a study (or in one instrument version's responses up to ``upto``)."""
        q = select(responses.c.submitted.label("date"), func.count(func.distinct(responses.c.submission))
                   .label("n"))
        q = self._scope(q, study_id, instrument_id, instrument_hash) if instrument_id and instrument_hash else \
            q.where(responses.c.study_id == study_id)
        q = self._upto(q, upto).group_by(responses.c.submitted).order_by(responses.c.submitted)
        return self._frame(q, ["date", "n"])

    def flag_counts(self, study_id: int, instrument_id: str, instrument_hash: str, upto: int | None = None
                    ) -> pd.DataFrame:
        q = self._scope(select(raised_flags.c.flag_id, func.count().label("n"))
                        .join(responses, raised_flags.c.response_id == responses.c.id),
                        study_id, instrument_id, instrument_hash)
        return self._frame(self._upto(q, upto).group_by(raised_flags.c.flag_id), ["flag_id", "n"])

    def vectors(self, study_id: int, instrument: Instrument | None, instrument_hash: str, upto: int | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(providers, scores, points) of every response to one instrument version, from one query:
        scores is responses x that version's scores, points is responses x its items (NaN: null).
        The shapes come from the version answered (``instrument`` is only used when that version
        was never stored and it is that version); a cache that does not fit is rebuilt first."""
        inst = self._version(instrument, instrument_hash)
        n_scores, n_items = len(inst.score_ids), len(inst.items)
        for attempt in (1, 2):
            q = self._upto(self._scope(select(responses.c.provider, responses.c.score_vector,
                                              responses.c.point_vector), study_id, inst.id, instrument_hash),
                           upto).order_by(responses.c.id)
            with self.engine.connect() as conn:
                rows = conn.execute(q).all()
            fits = all(len(r[1]) == 8 * n_scores and len(r[2]) == 8 * n_items for r in rows)
            if fits:
                break
            if attempt == 2:
                raise StoreError(f"the cached scores of instrument version {instrument_hash} cannot be rebuilt")
            log.warning("cached vectors of version %s do not fit it: rebuilding them", instrument_hash)
            self.rebuild_cache(study_id, instrument_hash)
        providers = np.array([r[0] for r in rows], dtype=object)
        scores = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float64).reshape(len(rows), n_scores)
        points = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float64).reshape(len(rows), n_items)
        return providers, scores, points

    def export_frame(self, study_id: int, instrument_id: str, instrument_hash: str,
                     instrument: Instrument | None = None,
                     include_text: bool = False, upto: int | None = None) -> pd.DataFrame:
        """Tidy rows: one per response (up to id ``upto``), in the order stored, one column per item
        and per score of the version answered (every one, even where all are empty), answers in
        full. Free-text answers only with ``include_text``. ``response_id`` here is the submission
        key: what a researcher downloads goes through ``research.export_frame`` (fresh ids, random
        order, the snapshot's rows only)."""
        inst = self._version(instrument, instrument_hash)
        q = self._scope(select(responses.c.id, responses.c.submission, responses.c.instrument_id,
                               responses.c.instrument_version, responses.c.instrument_hash, responses.c.provider,
                               responses.c.language, responses.c.submitted, responses.c.verdict,
                               responses.c.flags), study_id, instrument_id, instrument_hash)
        base = self._frame(self._upto(q, upto).order_by(responses.c.id),
                           ["id", "submission", "instrument_id", "instrument_version", "instrument_hash", "provider",
                            "language", "date", "verdict", "flags"])
        if base.empty:
            return base
        answers = self._frame(self._upto(self._scope(select(answers_table.c.response_id, answers_table.c.item_id,
                                                            answers_table.c.answer)
                                                     .join(responses, answers_table.c.response_id == responses.c.id),
                                                     study_id, instrument_id, instrument_hash), upto),
                              ["response_id", "item_id", "answer"])
        wide = base.set_index("id")
        if not answers.empty:
            wide = wide.join(answers.pivot(index="response_id", columns="item_id", values="answer"))
        _, matrix, _ = self.vectors(study_id, inst, instrument_hash, upto)
        wide = wide.join(pd.DataFrame(matrix, index=wide.index, columns=[f"score_{s}" for s in inst.score_ids]))
        wide = wide.reset_index(drop=True)
        wide.insert(0, "response_id", wide.pop("submission"))
        items = [i for i, f in inst.items.items() if include_text or not item_type(f.spec).free_text]
        fixed = [c for c in wide.columns if c not in inst.items and not c.startswith("score_")]
        return wide.reindex(columns=fixed + items + [f"score_{s}" for s in inst.score_ids])

    def _frame(self, query: Select[Unpack[tuple[Any, ...]]], columns: list[str]) -> pd.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return pd.DataFrame(rows, columns=columns)


for _name in ("create_study", "study", "studies", "set_open", "register", "instrument", "submit", "rebuild_cache",
              "has_submission", "latest", "count", "versions", "snapshot", "per_day", "flag_counts", "vectors",
              "export_frame", "rebuild_tallies", "tally"):
    setattr(Store, _name, _plain_errors(getattr(Store, _name)))


def _answer(result: Result, item_id: str, given: object = None) -> str | None:
    status = result.status[item_id]
    if status == "unsure":
        # a choice's own "don't know" option is kept as chosen (the answer as given); else "unsure"
        return answer_text(given) if isinstance(given, (str, int)) and str(given).strip().lower() != "unsure" \
            else "unsure"
    value = result.values.get(item_id)
    if value is None:
        return None
    return answer_text(value)


def answer_text(value: object) -> str:
    """An answer as text, in full: a multiple choice as its values joined by ';'."""
    if isinstance(value, (set, frozenset, list, tuple)):
        return ";".join(sorted(map(str, value)))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def tally_increments(inst: Instrument, providers: np.ndarray, dates: np.ndarray, scores: np.ndarray,
                     points: np.ndarray, flags: Sequence[Sequence[str]]) -> dict[str, Sums]:
    """What responses to ``inst`` (this version) add to the running totals: key -> [n, total, sq].
    ``scores`` and ``points`` are the cached vectors (NaN: null), one row per response.

    - ``v|I|V``: responses (to instrument I, version V: the study's versions are listed from these);
    - ``n|G``: responses of group G (the provider, or "(no provider)");
    - ``s|i|G``: n, sum and sum of squares of score i (position in ``score_ids``) in group G;
    - ``h|i|v``: how many have value v of score i (the histogram is drawn from these);
    - ``l|j|v``: how many answered likert item j (position in ``items``) with points v;
    - ``a|i``: complete cases of mean or sum score i's items; ``a|i|j``: their sum and sum of
      squares of the score's j-th item, and (j = its number of items) of their total;
    - ``d|YYYY-MM-DD``: responses stored that day; ``f|F``: responses that raised flag F.

    Written with NumPy on whole columns (one group, value or day at a time); the keys are plain
    text so that SQL adds them up without knowing an instrument."""
    if len(providers) == 1:
        return _one_increment(inst, providers[0], dates[0], scores[0], points[0], flags[0])
    out: dict[str, Sums] = {}
    groups, codes = _groups(providers)
    if len(providers):
        _add(out, f"v|{inst.id}|{inst.version}", len(providers))
    for g, k in zip(groups, np.bincount(codes, minlength=len(groups)), strict=True):
        _add(out, f"n|{g}", k)
    _add_scores(out, scores, groups, codes)
    _add_likert(out, inst, points)
    _add_complete_cases(out, inst, points)
    if len(dates):
        for d, n in zip(*np.unique(np.array([str(d) for d in dates], dtype=object), return_counts=True), strict=True):
            _add(out, f"d|{d}", n)
    for raised in flags:
        for f in raised:
            _add(out, f"f|{f}", 1)
    return out


def _add(out: dict[str, Sums], key: str, n: float, total: float = 0.0, sq: float = 0.0) -> None:
    entry = out.setdefault(key, [0, 0.0, 0.0])
    entry[0] += int(n)
    entry[1] += float(total)
    entry[2] += float(sq)


def _group(provider: object) -> str:
    """The group a response counts in: its provider, or NO_PROVIDER (None, or NaN from a frame)."""
    return NO_PROVIDER if provider is None or (isinstance(provider, float) and provider != provider) else str(provider)


def _groups(providers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the groups, sorted; each response's position among them)."""
    if not len(providers):
        return np.array([], dtype=str), np.array([], dtype=int)
    labels = np.array([_group(p) for p in providers], dtype=str)
    groups, codes = np.unique(labels, return_inverse=True)
    return groups, codes


def _add_scores(out: dict[str, Sums], scores: np.ndarray, groups: np.ndarray, codes: np.ndarray) -> None:
    """``s|i|G`` and ``h|i|v`` of every score, one group or value at a time."""
    for i in range(scores.shape[1]):
        column = scores[:, i]
        has = ~np.isnan(column)
        value = np.where(has, column, 0.0)
        ns = np.bincount(codes, weights=has, minlength=len(groups))
        sums = np.bincount(codes, weights=value, minlength=len(groups))
        squares = np.bincount(codes, weights=value * value, minlength=len(groups))
        for g, n, t, q in zip(groups, ns, sums, squares, strict=True):
            if n:
                _add(out, f"s|{i}|{g}", n, t, q)
        for v, n in zip(*np.unique(column[has], return_counts=True), strict=True):
            _add(out, f"h|{i}|{float(v)!r}", n)


def _add_likert(out: dict[str, Sums], inst: Instrument, points: np.ndarray) -> None:
    """``l|j|v``: the points given to each likert item."""
    for j, info in enumerate(inst.items.values()):
        if item_type(info.spec).points_from_scale:
            column = points[:, j]
            for v, n in zip(*np.unique(column[~np.isnan(column)], return_counts=True), strict=True):
                _add(out, f"l|{j}|{float(v)!r}", n)


def _add_complete_cases(out: dict[str, Sums], inst: Instrument, points: np.ndarray) -> None:
    """``a|i`` and ``a|i|j``: the complete cases of each mean or sum score's items (for alpha)."""
    positions = {iid: j for j, iid in enumerate(inst.items)}
    for i, score in enumerate(inst.scores):
        if score.spec.method not in ("mean", "sum"):
            continue
        part = points[:, [positions[iid] for iid in score.items]]
        part = part[~np.isnan(part).any(axis=1)]
        if len(part):
            part = np.column_stack([part, part.sum(axis=1)])
            _add(out, f"a|{i}", len(part))
            for j in range(part.shape[1]):
                _add(out, f"a|{i}|{j}", len(part), part[:, j].sum(), np.dot(part[:, j], part[:, j]))


NO_PROVIDER = "(no provider)"


def _chunk_increments(inst: Instrument, chunk: Chunk) -> dict[str, Sums]:
    return tally_increments(inst, chunk.providers, chunk.dates, chunk.scores, chunk.points, chunk.flags)


def _one_increment(inst: Instrument, provider: object, date: object, scores: np.ndarray, points: np.ndarray,
                   flags: Sequence[str]) -> dict[str, Sums]:
    """``tally_increments`` for one response in plain Python (a submission: NumPy's per-call cost
    is most of the time for one row); the same keys and values."""
    group = _group(provider)
    out: dict[str, Sums] = {f"v|{inst.id}|{inst.version}": [1, 0.0, 0.0], f"n|{group}": [1, 0.0, 0.0],
                            f"d|{date}": [1, 0.0, 0.0]}
    for i, v in enumerate(scores):
        v = float(v)
        if v == v:
            out[f"s|{i}|{group}"] = [1, v, v * v]
            out[f"h|{i}|{v!r}"] = [1, 0.0, 0.0]
    for j, info in enumerate(inst.items.values()):
        v = float(points[j])
        if item_type(info.spec).points_from_scale and v == v:
            out[f"l|{j}|{v!r}"] = [1, 0.0, 0.0]
    positions = {iid: j for j, iid in enumerate(inst.items)}
    for i, score in enumerate(inst.scores):
        if score.spec.method not in ("mean", "sum"):
            continue
        part = [float(points[positions[iid]]) for iid in score.items]
        if all(x == x for x in part):
            part.append(float(np.sum(part)))
            out[f"a|{i}"] = [1, 0.0, 0.0]
            for j, x in enumerate(part):
                out[f"a|{i}|{j}"] = [1, x, x * x]
    for f in flags:
        out[f"f|{f}"] = [1, 0.0, 0.0]
    return out


def _merge(into: dict[str, Sums], counts: dict[str, Sums], sign: int = 1) -> None:
    for key, (n, t, q) in counts.items():
        entry = into.setdefault(key, [0, 0.0, 0.0])
        entry[0] += sign * n
        entry[1] += sign * t
        entry[2] += sign * q


def _num(value: float | None) -> float:
    return np.nan if value is None else float(value)


def _vector(values: Iterable[float | None]) -> bytes:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64).tobytes()


def _jsonable(answers: Mapping[str, object]) -> dict[str, object]:
    return json.loads(json.dumps({k: sorted(v) if isinstance(v, (set, frozenset)) else v
                                  for k, v in answers.items()}, default=str))
