"""The data dictionary of an instrument: one row per column of an answer file or score output."""

from __future__ import annotations

import pandas as pd

from .instrument import Instrument, split_source
from .items import plugin as item_type

COLUMNS = ["variable", "kind", "section", "type", "text", "options", "min", "max", "integer", "unit",
           "scale", "reverse", "method", "items", "criteria", "source", "show_if", "required",
           "ask", "stage", "weight", "instrument_id", "instrument_version", "instrument_hash"]


def codebook(inst: Instrument, lang: str | None = None) -> pd.DataFrame:
    rows: list[dict[str, object]] = [{"variable": "response_id", "kind": "meta", "text": "identifier of the response"}]
    t = lambda v: inst.text(v, lang)  # noqa: E731 - a short local alias
    for iid, info in inst.items.items():
        item = info.spec
        row: dict[str, object] = {
            "variable": iid, "kind": "item", "section": info.section, "type": item.type, "text": t(item.text),
            "criteria": ";".join(item.criteria), "show_if": item.show_if or "",
            "required": item.required, "ask": t(item.ask) if item.ask is not None else "",
            "stage": item.stage, "weight": item.weight}
        if item.source is not None:
            key, locator = split_source(item.source)
            row["source"] = f"{key}: {locator}" if locator else key
        row.update(item_type(item).codebook(inst, info, item, lang))
        rows.append(row)
    for score in inst.scores:
        rows.append({"variable": score.spec.id, "kind": "score", "text": t(score.spec.label),
                     "method": score.spec.method, "items": ";".join(score.items)})
    bands = ", ".join(f"{b.id} (>= {b.min:g}, {inst.band_tone(b.id)})" for b in inst.spec.bands)
    caps = ", ".join(f"a {sev} flag caps it at {inst.spec.bands[k].id}" for sev, k in inst.caps.items())
    rows.append({"variable": "verdict", "kind": "outcome",
                 "text": "critical if a critical flag is raised; else unverified if a critical-capable item is "
                         "unsure or unanswered; else the band of the score"
                         + (f" {inst.band_score}: {bands}" if bands else "")
                         + (f" ({caps})" if caps else "") + ("; incomplete when it is null" if bands else "")})
    rows.append({"variable": "flags", "kind": "outcome", "text": "ids of the raised flags, joined with ';'",
                 "options": " | ".join(f"{f}={inst.severity[f]}" for f in inst.flag_ids)})
    rows.append({"variable": "unverified", "kind": "outcome",
                 "text": "ids of the critical-capable items answered unsure or left unanswered, joined with ';'",
                 "options": " | ".join(i for i, info in inst.items.items() if info.critical)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["instrument_id"], frame["instrument_version"], frame["instrument_hash"] = (
        inst.id, inst.version, inst.content_hash)
    return frame
