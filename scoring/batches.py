"""Large plain CSV answer files a batch at a time: read by Arrow one block at a time (about 8 MB),
each batch checked and scored on whole columns, results written or accumulated as they come.

Memory then follows the batch, not the file. Problems are still reported as for the whole file:
each batch's are merged column by column (``answers.merge_sections``), so the first 100 and the
count of the rest are the same as ``score_frame`` on the whole file would give. Kobo/ODK and
REDCap CSV exports are normalised batch by batch (``convert.imports.normalise`` works row by row
once the header is known). JSON answer files (a list of responses) are read a batch of responses
at a time (``json_batches``). Read whole: files Arrow or the JSON reader cannot read to their end
(the whole-file reader then words the problem as before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from . import answers
from .answers import AnswerError, answer_error, csv_record_batches, merge_sections
from .errors import GuideCheckError
from .frame import MAX_REPORTED
from .instrument import Instrument


class Unreadable(GuideCheckError):
    """Arrow could not read a later block of the file: read it whole instead (pandas words it)."""


def plain_csv_batches(instrument: Instrument, path: str | Path, source: str = "auto",
                      block_size: int | None = None, notes: Callable[[list[str]], object] | None = None
                      ) -> Iterator[tuple[int, pd.DataFrame]] | None:
    """(rows before the batch, batch as categoricals) for a CSV answer file; None when the file is
    to be read whole: not .csv, or a header Arrow cannot read (KoboToolbox's ';' is read too).
    A Kobo/ODK or REDCap export (``source``, or recognised from its columns) comes normalised,
    and ``notes`` gets normalise's messages once, with the first batch. At least one batch comes
    (with no rows for a file of a header only). Iterating raises ``Unreadable`` when Arrow cannot
    read a later block."""
    import pyarrow as pa

    from .convert.imports import detect, normalise

    path = Path(path)
    if path.suffix.lower() != ".csv" or source not in ("auto", "plain", "kobo", "redcap"):
        return None
    stream = open(path, "rb")  # noqa: SIM115 - closed when the batches are done (below)
    opened = csv_record_batches(stream, block_size or answers.CSV_BLOCK)
    names = opened[0] if opened is not None else []
    if len(names) == 1 and ";" in names[0]:  # KoboToolbox's default CSV: ';' between cells
        stream.seek(0)
        opened = csv_record_batches(stream, block_size or answers.CSV_BLOCK, delimiter=";")
        names = opened[0] if opened is not None else []
    if opened is None:
        stream.close()
        return None
    platform = detect(pd.DataFrame(columns=names), instrument) if source == "auto" else source

    def batches() -> Iterator[tuple[int, pd.DataFrame]]:
        offset = 0
        try:
            for table in opened[1]:
                frame = table.to_pandas()
                if platform != "plain":  # the same columns each batch: the header decides them
                    frame, _, found = normalise(instrument, frame, platform)
                    if offset == 0 and notes is not None:
                        notes(found)
                yield offset, frame
                offset += len(frame)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise Unreadable(str(exc)) from None
        finally:
            stream.close()
        if offset == 0:
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in names})
            if platform != "plain":
                frame, _, found = normalise(instrument, frame, platform)
                if notes is not None:
                    notes(found)
            yield 0, frame

    return batches()


JSON_BATCH = 20_000  # responses per batch of a JSON answer file
JSON_READ = 1 << 20  # characters read at a time


def json_batches(instrument: Instrument, path: str | Path, batch_rows: int | None = None
                 ) -> Iterator[tuple[int, pd.DataFrame]] | None:
    """(responses before the batch, batch) for a JSON answer file (a list of response objects),
    ``batch_rows`` responses at a time; None when the file is not .json or does not start as a
    list. Iterating raises ``Unreadable`` where the whole-file reader is to word a problem
    (JSON it cannot decode, a response of the wrong shape, a key that is not an item) or would
    give other columns (``response_id`` on some responses only).

    Hand-written on the standard library's ``JSONDecoder.raw_decode`` (one response object at a
    time, in C) because ijson, the usual streaming parser, is not among the dependencies."""
    import json

    path = Path(path)
    if path.suffix.lower() != ".json":
        return None
    stream = open(path, encoding="utf-8")  # noqa: SIM115 - closed when the batches are done (below)
    try:
        head = stream.read(JSON_READ)
    except UnicodeDecodeError:
        stream.close()
        return None
    if not head.lstrip().startswith("["):
        stream.close()
        return None
    decoder = json.JSONDecoder()
    batch_rows = batch_rows or JSON_BATCH
    known = set(instrument.items) | set(answers.META_COLUMNS)

    def skip_space(text: str, at: int) -> tuple[str, int]:
        """To the next character that is not white space, reading on as needed."""
        while True:
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
            if at < len(text):
                return text, at
            text, at = stream.read(JSON_READ), 0
            if not text:
                raise Unreadable("the JSON list does not end")

    def entries() -> Iterator[Any]:
        text, at, count = head, head.index("[") + 1, 0
        while True:
            text, at = skip_space(text, at)
            if text[at] == "]":
                if (text[at + 1:] + stream.read()).strip():
                    raise Unreadable("text after the list")
                return
            if count:
                if text[at] != ",":
                    raise Unreadable("expected ',' between responses")
                text, at = skip_space(text, at + 1)
                if text[at] == "]":
                    raise Unreadable("a comma before ']'")
            error: json.JSONDecodeError | None
            while True:  # one response; read on while it is cut off at the end of what was read
                try:
                    value, end = decoder.raw_decode(text, at)
                    if end < len(text) or isinstance(value, (dict, list, str)):
                        break
                except json.JSONDecodeError as exc:
                    error = exc
                else:
                    error = None
                more = stream.read(JSON_READ)
                if not more:
                    if error is not None:
                        raise Unreadable(str(error))
                    break
                text, at = text[at:] + more, 0
            count += 1
            yield value
            at = end

    def batches() -> Iterator[tuple[int, pd.DataFrame]]:
        offset, with_id = 0, None
        rows: list = []
        try:
            for entry in entries():
                if isinstance(entry, dict):
                    has = "response_id" in entry
                    with_id = has if with_id is None else with_id
                    if has != with_id:
                        raise Unreadable("read whole")
                rows.append(entry)
                if len(rows) == batch_rows:
                    yield offset, _json_frame(rows, known)
                    offset += len(rows)
                    rows = []
            if rows or offset == 0:
                yield offset, _json_frame(rows, known)
        except UnicodeDecodeError as exc:
            raise Unreadable(str(exc)) from None
        finally:
            stream.close()

    return batches()


def _json_frame(rows: list, known: set) -> pd.DataFrame:
    try:
        frame = answers.answers_frame_from_json(rows)
    except answers.AnswerFileError as exc:  # the whole-file reader words it, with the file's numbering
        raise Unreadable(str(exc)) from None
    if any(c not in known and not str(c).startswith("x-") for c in frame.columns):
        raise Unreadable("a key that is not an item")  # reported once for the file, as the whole reader does
    return frame


def each_batch(batches: Iterable[tuple[int, pd.DataFrame]], work: Callable[[pd.DataFrame, int], object],
               limit: int = MAX_REPORTED) -> Iterator:
    """``work(batch, rows before it)`` for each batch, yielded in order, while no batch has a bad
    answer; after one has, the rest are only checked, and at the end AnswerError is raised with
    the problems of every batch merged, as ``score_frame`` would list them for the whole file."""
    merged = None
    for offset, frame in batches:
        try:
            value = work(frame, offset)
        except AnswerError as exc:
            if not exc.sections:
                raise
            merged = merge_sections(merged, exc.sections, limit)
            continue
        if merged is None:
            yield value
    if merged is not None:
        raise answer_error(merged, limit)
