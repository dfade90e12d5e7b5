"""Answers: checking one value against its item, and reading answer files (CSV or JSON).

``check_value`` is the one place that decides whether a value is a valid answer and words the
message when it is not; the whole-column path in ``frame.py`` finds bad cells quickly and asks
``check_value`` to word them, so both paths report the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd

from . import items, model
from .errors import GuideCheckError
from .i18n import Message, render, t

# answer states, the value-level error and these helpers live with the item types (scoring/items),
# at the bottom of the import graph; they are re-exported here, where callers have always found them
from .items.base import ANSWERED, MISSING, UNSURE, BadAnswer, Scales, is_missing, scale_values, show  # noqa: F401
from .items.base import check_value as _check_value

if TYPE_CHECKING:
    import pyarrow as pa

# Columns an answer file may carry besides item ids (and any x- column).
META_COLUMNS = (
    "response_id", "context", "audience", "stage", "language", "provider", "study",
    "instrument_id", "instrument_version", "instrument_hash", "date",
)


@dataclass
class AnswerProblem:
    response: str  # "response_id r7", "line 12" or "response #3"
    item: str | None
    message: str

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str) -> str:
        """The problem in ``lang`` ("line 12, item q3: expected a number, got 'x'" in English)."""
        return t("answers.problem_item" if self.item else "answers.problem", lang, where=render(self.response, lang),
                 item=self.item, message=render(self.message, lang))


class AnswerError(GuideCheckError, ValueError):
    """Raised when answers are malformed; ``problems`` lists every one found (up to a limit)."""

    def __init__(self, problems: list[AnswerProblem], more: int = 0, sections: list | None = None):
        self.problems = problems
        self.more = more
        self.sections = sections or []  # (column, its first problems, its bad cells): see answer_error
        text = "\n".join(str(p) for p in problems)
        if more:
            text += "\n" + Message("answers.more", n=more)
        super().__init__(text)


def answer_error(sections: list, limit: int) -> AnswerError:
    """The error for ``sections`` (column, its first problems in row order, its bad cells; the
    header's first, then context, audience, stage, then items in order): the first ``limit``
    problems in that order, and how many more there are."""
    problems = [p for _, found, _ in sections for p in found][:limit]
    total = sum(count for _, _, count in sections)
    return AnswerError(problems, more=max(0, total - limit), sections=sections)


def merge_sections(merged: list | None, sections: list, limit: int) -> list:
    """``merged`` (the sections of earlier batches of one file) followed by a later batch's: each
    column's problems joined in row order (the first ``limit`` kept) and its bad cells added up;
    the header's problems are every batch's, so they are kept once."""
    if merged is None:
        return [(key, list(found[:limit]), count) for key, found, count in sections]
    later = {key: (found, count) for key, found, count in sections}
    out = []
    for key, found, count in merged:
        more, extra = later.pop(key, ([], 0))
        if key == "":  # the header: the same in every batch
            out.append((key, found, count))
            continue
        out.append((key, (found + more[: max(0, limit - len(found))]), count + extra))
    return out


def check_value(item: model.ItemBase, raw: object, scales: Scales | None = None) -> tuple[str, object]:
    """Return (status, value) for a raw answer; raise BadAnswer when it is not valid.

    status is ``answered``, ``unsure`` or ``missing``. Normal forms: yes_no -> "yes"/"no";
    choice -> the option's value; multi -> frozenset of option values; likert and number ->
    float; text -> str (each type's module in ``scoring/items`` decides).
    """
    kind = getattr(item, "type", None)
    if kind not in items.PLUGINS:
        raise BadAnswer("check.unknown_type", {"kind": kind})  # pragma: no cover - specs name a known type
    return _check_value(items.PLUGINS[kind], item, raw, scales or {})


def check_meta(column: str, raw: object) -> str | None:
    """Validate a context, audience or stage cell; return the value (None when empty)."""
    if is_missing(raw):
        return None
    value = str(raw).strip()
    allowed = {"context": model.CONTEXTS, "audience": model.AUDIENCES, "stage": model.STAGES}[column]
    if value not in allowed:
        raise BadAnswer("check.meta", {"column": column, "got": show(raw), "allowed": ", ".join(allowed)})
    return value


# --------------------------------------------------------------------------- answer files


class AnswerFileError(GuideCheckError, ValueError):
    """The answer file cannot be read at all (not a CSV or JSON of the documented shape)."""


CSV_BLOCK = 4 << 20  # bytes of CSV text per batch: about 34,000 responses of 60 items (bench/run.py --only cli)


def csv_record_batches(source: BinaryIO, block_size: int = CSV_BLOCK, delimiter: str = ","
                       ) -> tuple[list[str], Iterator[pa.Table]] | None:
    """(column names, iterator of Arrow tables) for a CSV file (``source``: a binary file object),
    every column but ``response_id`` a dictionary of texts, one table per ``block_size`` bytes of
    the file cut at the end of a line; None when Arrow cannot read the header (so that the pandas
    reader words the problem as before). Iterating raises ``pyarrow.ArrowInvalid`` or
    ``UnicodeDecodeError`` at a block it cannot read.

    The blocks are cut here rather than by ``pyarrow.csv.open_csv``: that reader reads ahead as
    far as it can (116 MB of a 122 MB file at once with 4 MB blocks), so memory would follow the
    file again. Cutting at line ends is what Arrow does too (``newlines_in_values`` is off)."""
    import io

    import pyarrow as pa
    from pyarrow import csv

    first = source.read(block_size) + source.readline()
    end = first.find(b"\n")
    header = first[: end + 1] if end >= 0 else first + b"\n"
    try:
        names = csv.open_csv(io.BytesIO(header), convert_options=csv.ConvertOptions(include_columns=[]),
                             parse_options=csv.ParseOptions(delimiter=delimiter)).schema.names
    except (pa.ArrowInvalid, UnicodeDecodeError):
        names = None
    if not names or len(set(names)) != len(names) or names[0].startswith("\ufeff"):
        source.seek(0)
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    options = csv.ConvertOptions(column_types={c: pa.string() if c == "response_id" else text for c in names},
                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                 null_values=[], true_values=[], false_values=[])

    def tables() -> Iterator[pa.Table]:
        block = first[len(header):] if end >= 0 else b""
        while True:
            if block.strip():
                whole = header + block
                yield csv.read_csv(io.BytesIO(whole), convert_options=options,  # parsed 1 MB a thread
                                   read_options=csv.ReadOptions(block_size=1 << 20),
                                   parse_options=csv.ParseOptions(delimiter=delimiter))
            block = source.read(block_size)
            if not block:
                return
            block += source.readline()

    return names, tables()


def read_csv_compact(source: str | Path | BinaryIO, progress: Callable[[float], object] | None = None,
                     size: int | None = None) -> pd.DataFrame | None:
    """The CSV file (a path or a binary file object) read by Arrow, every column but
    ``response_id`` as a categorical (one byte a cell for a handful of distinct answers, where
    object columns of text take about 60); None when Arrow cannot read it (a file object is then
    rewound). ``progress(fraction)`` is called after each block when ``size`` (bytes) is given."""
    import pyarrow as pa

    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return read_csv_compact(stream, progress, size)
    opened = csv_record_batches(source)
    if opened is None:
        return None
    names, blocks = opened
    tables = []
    try:
        for table in blocks:
            tables.append(table)
            if progress is not None and size:
                progress(min(1.0, len(tables) * CSV_BLOCK / size))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        source.seek(0)
        return None
    if not tables:  # a header only
        return pd.DataFrame({c: pd.Series(dtype=object) for c in names})
    table = pa.concat_tables(tables)
    del tables
    return table.to_pandas(self_destruct=True, types_mapper=None, strings_to_categorical=False)


def read_answers(path: str | Path, compact: bool = False) -> tuple[pd.DataFrame, str]:
    """Read an answer file; return (frame of object columns, kind) with kind 'csv' or 'json'.

    CSV: every cell is kept as text and an empty cell is unanswered. JSON: a list of
    ``{"response_id": ..., "answers": {...}}`` objects (``context`` and ``audience`` may sit
    beside ``answers``). ``compact``: a CSV file's columns come as categoricals of the same texts,
    read by Arrow (for large files: ``score_frame`` takes them as they are).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if compact and (frame := read_csv_compact(path)) is not None:
            return frame, "csv"
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                                encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise AnswerFileError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from None
        return frame.astype(object), "csv"
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AnswerFileError(f"{path}: cannot read as JSON: {exc}") from None
        return answers_frame_from_json(data, str(path)), "json"
    raise AnswerFileError(f"{path}: answers must be a .csv or .json file")


def answers_frame_from_json(data: object, where: str = "answers") -> pd.DataFrame:
    if not isinstance(data, list):
        raise AnswerFileError(f"{where}: expected a JSON list of responses, got {type(data).__name__}")
    rows = []
    for n, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("answers"), dict):
            raise AnswerFileError(f"{where}: response #{n} must be an object with an 'answers' object")
        unknown = set(entry) - {"answers", *META_COLUMNS} - {k for k in entry if str(k).startswith("x-")}
        if unknown:
            raise AnswerFileError(f"{where}: response #{n} has unknown keys: {', '.join(sorted(map(str, unknown)))}")
        clash = set(entry["answers"]) & set(META_COLUMNS)
        if clash:
            raise AnswerFileError(f"{where}: response #{n}: {', '.join(sorted(clash))} is not an item id")
        row = {k: v for k, v in entry.items() if k != "answers"}
        row.update(entry["answers"])
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=object)
    return frame.astype(object).where(frame.notna(), None) if len(frame) else frame


def label_for(frame: pd.DataFrame, position: int, kind: str, offset: int = 0) -> str:
    """How a response is named in a message; ``offset``: rows of the file before ``frame``."""
    if "response_id" in frame.columns:
        rid = frame["response_id"].iat[position]
        if not is_missing(rid):
            return Message("answers.response_id", id=rid)
    if kind == "csv":
        return Message("answers.line", n=offset + position + 2)
    return Message("answers.response_n", n=offset + position + 1)
