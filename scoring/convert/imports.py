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
    if _looks_redcap(columns, inst):
        return "redcap"
    if any("/" in c or c.startswith("_") or c in ("start", "end", "__version__") for c in columns):
        return "kobo"
    return "plain"


def _looks_redcap(columns: list[str], inst: Instrument) -> bool:
    """record_id, REDCap's own columns, or checkbox columns ``item___code`` of a multi item."""
    if "record_id" in columns or any(c in REDCAP_META or c.endswith("_complete") for c in columns):
        return True
    multi = {i for i, info in inst.items.items() if info.spec.type == "multi"}
    return any("___" in c and c.split("___", 1)[0] in multi for c in columns)


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


class _Columns:
    """The columns of a Kobo/ODK or REDCap export sorted into answers by item id, 0/1 option columns
    of multi items (joined afterwards), columns that are no answers, and messages."""

    def __init__(self, inst: Instrument, platform: str, has_response_id: bool):
        self.inst = inst
        self.platform = platform
        self.has_response_id = has_response_id
        self.out: dict[str, pd.Series] = {}
        self.split: dict[str, dict[str, pd.Series]] = {}
        self.ignored: list[str] = []
        self.notes: list[str] = []

    def is_multi(self, iid: str) -> bool:
        return self.inst.items[iid].spec.type == "multi"

    def redcap(self, name: str, series: pd.Series) -> bool:
        """Sort a REDCap column that is not a plain answer; False for a plain answer."""
        if name == "record_id":
            self.out["response_id"] = series
            return True
        if name in REDCAP_META or name.endswith(("_complete", "_timestamp")):
            self.ignored.append(name)
            return True
        if "___" in name:
            base, code = name.split("___", 1)
            iid = _item_for(base, self.inst)
            if iid and self.is_multi(iid):
                self.split.setdefault(iid, {})[code] = series
                return True
        return False

    def kobo(self, name: str, series: pd.Series) -> bool:
        """Sort a Kobo/ODK column that is not a plain answer; False for a plain answer."""
        parts = name.split("/")
        last = parts[-1]
        low = last.lower().lstrip("_")
        if _is_kobo_meta(name, parts):
            if low in ("uuid", "instanceid") and not self.has_response_id and "response_id" not in self.out:
                self.out["response_id"] = series
            else:
                self.ignored.append(name)
            return True
        if len(parts) >= 2:
            iid = _item_for(parts[-2], self.inst)
            if iid and self.is_multi(iid) and _item_for(last, self.inst) is None:
                self.split.setdefault(iid, {})[last] = series
                return True
        if last in META_COLUMNS and last not in self.out:
            self.out[last] = series
            return True
        return False

    def answer(self, name: str, series: pd.Series) -> None:
        """A column of answers, mapped to its item by the last part of its name."""
        iid = _item_for(name.split("/")[-1], self.inst)
        if iid is None:
            self.notes.append(f"column '{name}' is not an item of {self.inst.id}; left out")
            return
        if iid in self.out:
            self.notes.append(f"column '{name}' maps to item {iid}, which an earlier column already gave; left out")
            return
        values = series.map(lambda v: "" if isinstance(v, str) and v.strip().lower() in NOT_ASKED else v)
        if self.is_multi(iid) and self.platform == "kobo":
            values = values.map(lambda v: ";".join(v.split()) if isinstance(v, str) else v)
        self.out[iid] = values

    def join_options(self, index: pd.Index) -> None:
        """Each multi item's 0/1 option columns joined into one answer (unless the joined column is there)."""
        for iid, codes in self.split.items():
            spec = self.inst.items[iid].spec
            if iid in self.out or spec.type != "multi":  # only multi items are split into 0/1 columns
                continue
            options = {str(o.value).lower(): str(o.value) for o in spec.options}
            for code in codes:
                if code.lower() not in options:
                    self.notes.append(f"column for option '{code}' of {iid}: not an option of {iid}; left out")
            known = {c: s for c, s in codes.items() if c.lower() in options}
            joined = [_ticked(known, options, k) for k in range(len(index))]
            self.out[iid] = pd.Series(joined, index=index, dtype=object)


def _is_kobo_meta(name: str, parts: list[str]) -> bool:
    """A column the platform adds (submission time, uuid, meta/instanceID, ...)."""
    return (name.startswith("_") or parts[-1].lower().lstrip("_") in KOBO_META or name.lower() in KOBO_META
            or parts[0] == "meta" or name == "__version__")


def _ticked(columns: dict[str, pd.Series], options: dict[str, str], k: int) -> str:
    """The options ticked in row k of the 0/1 columns, joined with ';' ('' when none was asked)."""
    cells = {c: s.iat[k] for c, s in columns.items()}
    if all(is_missing(v) or str(v).strip().lower() in NOT_ASKED for v in cells.values()):
        return ""
    return ";".join(options[c.lower()] for c, v in cells.items() if str(v).strip().lower() in ("1", "true", "1.0"))


def normalise(inst: Instrument, frame: pd.DataFrame, platform: str = "auto") -> tuple[pd.DataFrame, str, list[str]]:
    """(frame with item-id columns, the platform read, messages on columns left out or changed)."""
    if platform == "auto":
        platform = detect(frame, inst)
    if platform == "plain":
        return frame, platform, []
    if platform == "guidecheck":
        exported, export_notes = _from_research_export(inst, frame)
        return exported, platform, export_notes
    cols = _Columns(inst, platform, "response_id" in frame.columns)
    sort = cols.redcap if platform == "redcap" else cols.kobo
    for column in frame.columns:
        name, series = str(column), frame[column]
        if name.startswith("x-") or name in META_COLUMNS:
            cols.out[name] = series
        elif not sort(name, series):
            cols.answer(name, series)
    cols.join_options(frame.index)
    notes = cols.notes
    if cols.ignored:
        notes.append(f"{len(cols.ignored)} {platform} column(s) that are no answers left out: "
                     f"{', '.join(cols.ignored)}")
    if not any(c in inst.items for c in cols.out):
        raise AnswerFileError(f"no column of this {platform} export is an item of {inst.id}; the item ids are "
                              f"{', '.join(list(inst.items)[:8])}{', ...' if len(inst.items) > 8 else ''}")
    result = pd.DataFrame(cols.out, index=frame.index).astype(object) if cols.out else frame.iloc[:, :0]
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

