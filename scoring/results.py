"""Result files: what a person downloads to keep, resume, compare or track a self-audit.

One JSON format serves both "save progress" (``submitted: false``) and a finished result. It
holds answers, never anything about the person beyond the optional label they typed. Reading a
file back re-scores its answers with the instruments loaded now, and says so where the
instrument's version or content has changed since the file was made.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .answers import BadAnswer, check_value
from .engine import Result, score_response
from .errors import GuideCheckError
from .i18n import render, t
from .instrument import Instrument

log = logging.getLogger("guidecheck")

FORMAT = 1
# The instrument contract's revision the scores in a file were computed under. A file without
# it is from revision 1: its answers open as they are and are scored again under revision 2.
REVISION = 2
MAX_BYTES = 2 * 1024 * 1024


class InstrumentEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    version: str = ""
    content_hash: str = ""
    answers: dict[str, Any] = {}
    scores: dict[str, float | None] = {}
    verdict: str | None = None
    flags: list[str] = []
    unverified: list[str] = []


class ResultFile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    guidecheck_result: Literal[1]
    kind: Literal["vetting", "self_audit"]
    submitted: bool = False
    label: str = Field("", max_length=200)
    context: Literal["clinical", "harm_reduction", "unknown"] = "unknown"
    stage: Literal["before_intake", "after_intake", "after_session"] = "after_session"
    revision: int = 1  # absent in files written before revision 2
    language: str = "en"
    date: dt.date | None = None
    instruments: list[InstrumentEntry] = Field(default_factory=list, max_length=50)


class ResultFileError(GuideCheckError, ValueError):
    """The file cannot be used; the message says why in words a person can act on, in the
    language asked for (``parse(..., lang=)``)."""

def build(instruments: dict[str, Instrument], answers: dict[str, dict], *, kind: str, context: str,
          label: str = "", language: str = "en", submitted: bool = True,
          results: dict[str, Result] | None = None, stage: str = "after_session") -> dict:
    """The JSON-ready content of a result (or progress) file."""
    entries = []
    for iid, inst in instruments.items():
        entry: dict[str, object] = {"id": iid, "version": inst.version, "content_hash": inst.content_hash,
                 "answers": _jsonable(answers.get(iid, {}))}
        if results and iid in results:
            r = results[iid]
            entry.update(scores=r.scores, verdict=r.verdict, flags=r.flags, unverified=r.unverified)
        entries.append(entry)
    return {"guidecheck_result": FORMAT, "revision": REVISION, "kind": kind, "submitted": submitted,
            "label": label[:200], "context": context, "stage": stage, "language": language,
            "date": dt.date.today().isoformat(), "instruments": entries}


def dumps(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")


def _jsonable(answers: dict) -> dict:
    out = {}
    for k, v in answers.items():
        if isinstance(v, (set, frozenset, tuple)):
            v = sorted(v, key=str)
        out[k] = v
    return out


def parse(raw: bytes, instruments: dict[str, Instrument], *, kind: str | None = None, lang: str = "en"
          ) -> tuple[ResultFile, dict[str, dict], list[str]]:
    """Read a result or progress file against the instruments available now.

    Returns (file, answers by instrument id, warnings in ``lang``). Raises ResultFileError (its
    message in ``lang``; the details go to the log) when the file cannot be used at all. Answers
    to unknown instruments or items are dropped with a warning (unknown items summed up in one);
    answers that no longer fit an item are dropped with a warning too. The work is linear in the
    file: each answer is checked against its item alone."""
    file = _read(raw, lang)
    if kind is not None and file.kind != kind:
        raise ResultFileError(t("results.wrong_kind", lang, found=t("results.kind_" + file.kind, lang),
                                wanted=t("results.kind_" + kind, lang)))
    warnings: list[str] = []
    if file.revision < REVISION and file.submitted and any(e.verdict is not None for e in file.instruments):
        warnings.append(t("results.old_revision", lang))
    answers: dict[str, dict] = {}
    for entry in file.instruments:
        inst = instruments.get(entry.id)
        if inst is None:
            warnings.append(t("results.unknown_instrument", lang, id=entry.id[:80]))
            continue
        if entry.version != inst.version or (entry.content_hash and entry.content_hash != inst.content_hash):
            warnings.append(t("results.other_version", lang, id=entry.id, old=entry.version[:40] or "?",
                              new=inst.version))
        answers[entry.id] = _kept_answers(entry, inst, lang, warnings)
    return file, answers, warnings


def _read(raw: bytes, lang: str) -> ResultFile:
    """The file's content as a ``ResultFile``, or ResultFileError saying why not (in ``lang``)."""
    if len(raw) > MAX_BYTES:
        raise ResultFileError(t("results.too_big", lang, size=f"{len(raw):,}", limit=f"{MAX_BYTES:,}"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: not JSON, or a number of more than 4,300 digits; RecursionError: nested too deep
        log.info("result file refused: not readable JSON: %s", str(exc)[:200])
        raise ResultFileError(t("results.not_json", lang)) from None
    try:
        return ResultFile.model_validate(data)
    except (ValidationError, RecursionError) as exc:
        log.info("result file refused: %s", str(exc)[:500])
        where = ""
        if isinstance(exc, ValidationError):
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part)[:40] for part in first["loc"])[:120]
        raise ResultFileError(t("results.not_result", lang, where=where)) from None


def _kept_answers(entry: InstrumentEntry, inst: Instrument, lang: str, warnings: list[str]) -> dict[str, Any]:
    """The answers of ``entry`` that still fit ``inst``'s items; a warning (added to ``warnings``)
    for each that does not, and one for all the unknown items together."""
    kept: dict[str, Any] = {}
    unknown: list[str] = []
    scales = inst.spec.scales
    for item_id, value in entry.answers.items():
        info = inst.items.get(item_id)
        if info is None:
            unknown.append(item_id)
            continue
        try:
            check_value(info.spec, value, scales)
        except (BadAnswer, OverflowError) as exc:
            problem = render(str(exc), lang)[:200] if isinstance(exc, BadAnswer) else t("results.too_large", lang)
            warnings.append(t("results.bad_answer", lang, id=entry.id, item=item_id, problem=problem))
            continue
        kept[item_id] = value
    if unknown:
        shown = ", ".join(f"'{u[:40]}'" for u in unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        warnings.append(t("results.unknown_items", lang, id=entry.id, count=len(unknown), n=f"{len(unknown):,}",
                          ids=shown))
    return kept


def score_all(instruments: dict[str, Instrument], answers: dict[str, dict], *, context: str,
              audience: str, stage: str = "after_session") -> dict[str, Result]:
    return {iid: score_response(instruments[iid], a, context=context, audience=audience, stage=stage)
            for iid, a in answers.items()}


def rescore(file: ResultFile, answers: dict[str, dict], instruments: dict[str, Instrument]) -> dict[str, Result]:
    return score_all(instruments, answers, context=file.context, audience=file.kind, stage=file.stage)
