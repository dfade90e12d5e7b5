"""Large plain CSV answer files a batch at a time: read by Arrow one block at a time (about 8 MB),
each batch checked and scored on whole columns, results written or accumulated as they come.

Memory then follows the batch, not the file. Problems are still reported as for the whole file:
each batch's are merged column by column (``answers.merge_sections``), so the first 100 and the
count of the rest are the same as ``score_frame`` on the whole file would give. Kobo/ODK and
REDCap exports, files Arrow cannot read, and JSON files are read whole (``plain_csv_batches``
returns None for them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pandas as pd

from . import answers
from .answers import AnswerError, answer_error, csv_record_batches, merge_sections
from .errors import GuideCheckError
from .frame import MAX_REPORTED
from .instrument import Instrument


class Unreadable(GuideCheckError):
    """Arrow could not read a later block of the file: read it whole instead (pandas words it)."""


def plain_csv_batches(instrument: Instrument, path: str | Path, source: str = "auto",
                      block_size: int | None = None) -> Iterator[tuple[int, pd.DataFrame]] | None:
    """(rows before the batch, batch as categoricals) for a plain GuideCheck CSV file; None when
    the file is to be read whole: not .csv, an export of another platform (``source`` kobo or
    redcap, or recognised as one from its columns), or a header Arrow cannot read. At least one
    batch comes (with no rows for a file of a header only). Iterating raises ``Unreadable`` when
    Arrow cannot read a later block."""
    import pyarrow as pa

    from .convert.imports import detect

    path = Path(path)
    if path.suffix.lower() != ".csv" or source not in ("auto", "plain"):
        return None
    stream = open(path, "rb")  # noqa: SIM115 - closed when the batches are done (below)
    opened = csv_record_batches(stream, block_size or answers.CSV_BLOCK)
    names = opened[0] if opened is not None else []
    if opened is None or (source == "auto" and (detect(pd.DataFrame(columns=names), instrument) != "plain"
                                                or (len(names) == 1 and ";" in names[0]))):
        stream.close()
        return None

    def batches() -> Iterator[tuple[int, pd.DataFrame]]:
        offset = 0
        try:
            for table in opened[1]:
                frame = table.to_pandas()
                yield offset, frame
                offset += len(frame)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise Unreadable(str(exc)) from None
        finally:
            stream.close()
        if offset == 0:
            yield 0, pd.DataFrame({c: pd.Series(dtype=object) for c in names})

    return batches()


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
