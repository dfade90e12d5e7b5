"""Answer exports of other platforms, made into GuideCheck's answer frame (one column per item id).

- **Kobo / ODK** CSV: group paths (``group_x/item``), ``select_multiple`` answers joined with spaces
  or split into ``item/option`` columns of 0/1, ``n/a`` for questions that were not asked, and
  platform columns (``_uuid``, ``start``, ``meta/instanceID``, ...).
- **REDCap** CSV (raw values): checkbox columns ``item___value`` of 0/1, ``record_id``, events and
  ``<form>_complete`` columns.
- **GuideCheck's own research export** (the Research page's CSV): the answers as given, with the
  columns derived from them (``verdict``, ``flags``, ``score_<id>``), which are left out and scored
  again, and ``period`` (the dates of the row's batch), kept as ``x-period``.

Columns are mapped to items by name (the item id, or the last part of a group path, compared as
the XLSForm reader forms ids). Every column that cannot be mapped gets a message and is left out;
plain GuideCheck CSV and JSON files pass through unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..answers import META_COLUMNS, AnswerFileError, is_missing, read_answers
from ..instrument import Instrument
from .xlsform import slug_id

PLATFORMS = ("auto", "plain", "kobo", "redcap", "guidecheck")
# what the research export adds beside the answers (scoring.research.export_frame)
EXPORT_DERIVED = ("verdict", "flags")
KOBO_META = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
             "audit", "instanceid", "instancename", "uuid", "rootuuid", "deprecatedid", "formhub/uuid"}
REDCAP_META = {"redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance", "redcap_data_access_group",
               "redcap_survey_identifier"}
NOT_ASKED = {"n/a", "na"}


def detect(frame: pd.DataFrame, inst: Instrument) -> str:
    columns = [str(c) for c in frame.columns]
    if _research_export(columns, inst):
        return "guidecheck"
    multi = {i for i, info in inst.items.items() if info.spec.type == "multi"}
    if "record_id" in columns or any(c in REDCAP_META or c.endswith("_complete") for c in columns) or any(
            "___" in c and c.split("___", 1)[0] in multi for c in columns):
        return "redcap"
    if any("/" in c or c.startswith("_") or c in ("start", "end", "__version__") for c in columns):
        return "kobo"
    return "plain"


def _research_export(columns: list[str], inst: Instrument) -> bool:
    """GuideCheck's research export: instrument columns, the period, and the derived columns."""
    derived = set(EXPORT_DERIVED) | {f"score_{s}" for s in inst.score_ids}
    return "instrument_hash" in columns and "period" in columns and bool(derived & set(columns))


def _from_research_export(inst: Instrument, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The research export back into an answer frame: the derived columns left out (they are scored
    again from the answers, so a file edited by hand cannot carry a score its answers do not give)."""
    derived = set(EXPORT_DERIVED) | {f"score_{s}" for s in inst.score_ids}
    dropped = [str(c) for c in frame.columns if str(c) in derived]
    out = frame.drop(columns=dropped).rename(columns={"period": "x-period"})
    notes = [f"{len(dropped)} column(s) of the GuideCheck research export scored again from the answers: "
             f"{', '.join(dropped)}"] if dropped else []
    if "instrument_hash" in out.columns:
        hashes = {str(h) for h in out["instrument_hash"].astype(object) if not is_missing(h) and str(h)}
        other = sorted(hashes - {inst.content_hash})
        if other:
            notes.append(f"answers given to another version of {inst.id} (content hash {', '.join(other)}; "
                         f"this one is {inst.content_hash}): scored with this version")
    if not any(c in inst.items for c in out.columns):
        raise AnswerFileError(f"no column of this GuideCheck export is an item of {inst.id}; was it exported "
                              f"for another checklist?")
    return out, notes


def _item_for(name: str, inst: Instrument) -> str | None:
    if name in inst.items:
        return name
    gid = slug_id(name)
    return gid if gid in inst.items else None


def normalise(inst: Instrument, frame: pd.DataFrame, platform: str = "auto") -> tuple[pd.DataFrame, str, list[str]]:
    """(frame with item-id columns, the platform read, messages on columns left out or changed)."""
    if platform == "auto":
        platform = detect(frame, inst)
    if platform == "plain":
        return frame, platform, []
    if platform == "guidecheck":
        exported, export_notes = _from_research_export(inst, frame)
        return exported, platform, export_notes
    notes: list[str] = []
    out: dict[str, pd.Series] = {}
    ignored: list[str] = []
    split: dict[str, dict[str, pd.Series]] = {}
    n = len(frame)
    for column in frame.columns:
        name = str(column)
        parts = name.split("/")
        last = parts[-1]
        series = frame[column]
        if name.startswith("x-") or name in META_COLUMNS:
            out[name] = series
            continue
        if platform == "redcap":
            if name == "record_id":
                out["response_id"] = series
                continue
            if name in REDCAP_META or name.endswith(("_complete", "_timestamp")):
                ignored.append(name)
                continue
            if "___" in name:
                base, code = name.split("___", 1)
                iid = _item_for(base, inst)
                if iid and inst.items[iid].spec.type == "multi":
                    split.setdefault(iid, {})[code] = series
                    continue
        else:
            low = last.lower().lstrip("_")
            if name.startswith("_") or low in KOBO_META or name.lower() in KOBO_META or parts[0] == "meta" \
                    or name == "__version__":
                if low in ("uuid", "instanceid") and "response_id" not in frame.columns and "response_id" not in out:
                    out["response_id"] = series
                else:
                    ignored.append(name)
                continue
            if len(parts) >= 2:
                iid = _item_for(parts[-2], inst)
                if iid and inst.items[iid].spec.type == "multi" and _item_for(last, inst) is None:
                    split.setdefault(iid, {})[last] = series
                    continue
            if last in META_COLUMNS and last not in out:
                out[last] = series
                continue
        iid = _item_for(last, inst)
        if iid is None:
            notes.append(f"column '{name}' is not an item of {inst.id}; left out")
            continue
        if iid in out:
            notes.append(f"column '{name}' maps to item {iid}, which an earlier column already gave; left out")
            continue
        values = series.map(lambda v: "" if isinstance(v, str) and v.strip().lower() in NOT_ASKED else v)
        if inst.items[iid].spec.type == "multi" and platform == "kobo":
            values = values.map(lambda v: ";".join(v.split()) if isinstance(v, str) else v)
        out[iid] = values
    for iid, codes in split.items():
        if iid in out:
            continue  # the joined column is there: the 0/1 columns repeat it
        spec = inst.items[iid].spec
        if spec.type != "multi":  # never: only multi items are split into 0/1 columns
            continue
        options = {str(o.value).lower(): str(o.value) for o in spec.options}
        unknown = [c for c in codes if c.lower() not in options]
        for code in unknown:
            notes.append(f"column for option '{code}' of {iid}: not an option of {iid}; left out")
        joined = []
        for k in range(n):
            cells = {c: s.iat[k] for c, s in codes.items() if c.lower() in options}
            if all(is_missing(v) or str(v).strip().lower() in NOT_ASKED for v in cells.values()):
                joined.append("")
                continue
            ticked = [options[c.lower()] for c, v in cells.items() if str(v).strip().lower() in ("1", "true", "1.0")]
            joined.append(";".join(ticked) if ticked else "")
        out[iid] = pd.Series(joined, index=frame.index, dtype=object)
    if ignored:
        notes.append(f"{len(ignored)} {platform} column(s) that are no answers left out: {', '.join(ignored)}")
    if not any(c in inst.items for c in out):
        raise AnswerFileError(f"no column of this {platform} export is an item of {inst.id}; the item ids are "
                              f"{', '.join(list(inst.items)[:8])}{', ...' if len(inst.items) > 8 else ''}")
    result: pd.DataFrame = pd.DataFrame(out, index=frame.index).astype(object) if out else frame.iloc[:, :0]
    return result, platform, notes


def read_answers_for(inst: Instrument, path: str | Path, platform: str = "auto",
                     compact: bool = False) -> tuple[pd.DataFrame, str, list[str]]:
    """``read_answers`` followed by ``normalise`` (CSV only; JSON is always GuideCheck's own)."""
    frame, kind = read_answers(path, compact=compact)
    if kind != "csv":
        return frame, kind, []
    if len(frame.columns) == 1 and ";" in str(frame.columns[0]):  # KoboToolbox's default CSV uses ';'
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, sep=";",
                                encoding="utf-8-sig").astype(object)
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise AnswerFileError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from None
    frame, _, notes = normalise(inst, frame, platform)
    return frame, kind, notes

