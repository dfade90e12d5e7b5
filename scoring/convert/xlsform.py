"""Instruments to and from XLSForm (the spreadsheet form format of ODK, KoboToolbox and SurveyCTO).

Writing: a ``survey`` sheet (one group per section, one row per item, ``calculate`` rows for
derived values), a ``choices`` sheet and a ``settings`` sheet in the column conventions of
pyxform, plus what XLSForm has no column for. That part is generic so that keys added to the
models travel without code changes: each row's ``guidecheck`` column holds the JSON of whatever
the standard columns do not carry, and the ``guidecheck`` sheet holds the instrument's own keys
(scores, rules, bands, sources, examples, ...). XLSForm tools ignore both. A few readable
``gc_*`` columns (criteria, severity, ...) show that data to people; they are written, never read.

Reading: our own forms come back whole; anyone else's form becomes an instrument with every
construct that cannot be carried reported by sheet and row (``Note``), never dropped silently.
openpyxl reads and writes the workbook (the spreadsheet library pyxform itself uses).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from .. import expressions as ex
from .. import model
from ..errors import GuideCheckError
from ..i18n import t
from ..instrument import RESERVED, Instrument
from ..yamlsafe import Problem
from .xpath import Unsupported, from_xpath, parse_constraint, to_xpath

Row = dict[str, str]  # one row of a sheet: header -> cell text (empty cells left out)
Rows = list[tuple[int, Row]]  # (row number in the sheet, row)
Data = dict[str, Any]  # the data of a YAML file, or a part of it
Texts = str | dict[str, str]  # a text in one language or by language code

LANG_NAMES = {"en": "English", "nl": "Nederlands", "de": "Deutsch", "fr": "Français", "es": "Español",
              "it": "Italiano", "pt": "Português"}
GC = "guidecheck"  # the JSON column and the instrument sheet
META_LISTS = {"context": "gc_context", "audience": "gc_audience", "stage": "gc_stage"}
YES_NO = "gc_yes_no"
UNSURE = "unsure"
UNSURE_LABEL = {"en": "I don't know", "nl": "Weet ik niet"}
YES_NO_LABELS = {"yes": {"en": "Yes", "nl": "Ja"}, "no": {"en": "No", "nl": "Nee"}}
TEXTS = ("label", "hint", "constraint_message", "required_message")
# Item keys that standard XLSForm columns carry; every other key goes into the guidecheck column.
STANDARD = {"id", "text", "help", "required", "show_if"}
STANDARD_BY_TYPE = {"number": {"min", "max", "integer"}, "text": {"max_length"},
                    "choice": {"options", "type"}, "multi": {"options", "type"}}
# Readable copies of some JSON keys (written for people, not read back).
READABLE = {
    "gc_criteria": lambda d: ";".join(d.get("criteria") or []),
    "gc_severity": lambda d: (d.get("flag") or {}).get("severity", ""),
    "gc_flag": lambda d: (d.get("flag") or {}).get("when", ""),
    "gc_stage": lambda d: d.get("stage", ""),
    "gc_weight": lambda d: "" if d.get("weight") is None else d["weight"],
}


def lang_column(prefix: str, lang: str) -> str:
    return f"{prefix}::{LANG_NAMES.get(lang, lang)} ({lang})"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) if data else ""


# --------------------------------------------------------------------------- writing


Cells = dict[str, Any]  # one row to write: column -> value


class _Sheet:
    def __init__(self, columns: list[str]):
        self.columns = list(columns)
        self.rows: list[Cells] = []

    def add(self, **row: Any) -> None:
        for key in row:
            if key not in self.columns:
                self.columns.append(key)
        self.rows.append(row)


def _texts(inst: Instrument, value: Texts | None, prefix: str, out: Cells) -> None:
    for lang in inst.languages:
        text = inst.text(value, lang)
        if text:
            out[lang_column(prefix, lang)] = text


def _fixed_texts(inst: Instrument, labels: dict[str, str], prefix: str = "label") -> Cells:
    return {lang_column(prefix, lang): labels.get(lang, labels["en"]) for lang in inst.languages}


META_LABELS = {"context": {"en": "In which setting are the sessions?", "nl": "In welke setting zijn de sessies?"},
               "audience": {"en": "Who answers?", "nl": "Wie antwoordt?"},
               "stage": {"en": "How far along are you?", "nl": "Hoe ver ben je?"}}


def _ui(key: str, lang: str, default: str) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return default


def _meta_names(inst: Instrument) -> list[str]:
    used: set[str] = set()
    for info in inst.items.values():
        if info.spec.show_if:
            used |= ex.names(ex.parse(info.spec.show_if))
    for d in inst.spec.derived:
        used |= ex.names(ex.parse(d.expr))
    return [m for m in META_LISTS if m in used]


def _meta_values(name: str) -> tuple[str, ...]:
    values: dict[str, tuple[str, ...]] = {"context": model.CONTEXTS, "audience": model.AUDIENCES}
    return values.get(name, tuple(getattr(model, "STAGES", ("before_intake", "after_intake", "after_session"))))


# (list name, choice rows, whether to add "I don't know") of a select item, by item type
_ListRows = tuple[str, list[Cells], bool]


def _yes_no_list(inst: Instrument, unsure: bool) -> _ListRows:
    rows = [{"name": v, **_fixed_texts(inst, YES_NO_LABELS[v])} for v in ("yes", "no")]
    return YES_NO + ("-u" if unsure else ""), rows, unsure


def _likert_list(inst: Instrument, item: model.LikertItem, unsure: bool) -> _ListRows:
    name = (f"scale_{item.scale}" if item.scale else f"opt_{item.id}") + ("-u" if unsure else "")
    rows = []
    for p in inst.scale_points(item):
        row = {"name": _num(p.value)}
        _texts(inst, p.label, "label", row)
        rows.append(row)
    return name, rows, unsure


def _option_list(inst: Instrument, item: model.ChoiceItem | model.MultiItem, unsure: bool) -> _ListRows:
    rows = []
    for o in item.options:
        row = {"name": str(o.value), GC: _json(o.model_dump(mode="json", exclude_defaults=True,
                                                             exclude={"value", "label"}))}
        if o.points is not None:
            row["gc_points"] = _num(o.points)
        _texts(inst, o.label, "label", row)
        rows.append(row)
    unsure = unsure and item.type == "choice" and not any(o.unsure or str(o.value) == UNSURE for o in item.options)
    return f"opt_{item.id}", rows, unsure


def _list_rows(inst: Instrument, item: model.AnyItem) -> _ListRows:
    match item:
        case model.YesNoItem():
            return _yes_no_list(inst, item.allow_unsure)
        case model.LikertItem():
            return _likert_list(inst, item, item.allow_unsure)
        case model.ChoiceItem() | model.MultiItem():
            return _option_list(inst, item, item.allow_unsure)
    raise TypeError(f"a {item.type} item has no choice list")


def _list_for(inst: Instrument, item: model.AnyItem, choices: _Sheet, made: set[str]) -> str:
    """The choice list of a select item (written once per list name)."""
    name, rows, unsure = _list_rows(inst, item)
    if unsure:
        rows.append({"name": UNSURE, **_fixed_texts(inst, UNSURE_LABEL)})
    if name not in made:
        made.add(name)
        for row in rows:
            choices.add(list_name=name, **row)
    return name


def to_xlsform(inst: Instrument) -> bytes:
    """The instrument as an XLSForm workbook (.xlsx bytes)."""
    langs = inst.languages
    survey = _Sheet(["type", "name", *(lang_column("label", lg) for lg in langs),
                     *(lang_column("hint", lg) for lg in langs), "relevant", "required", "constraint",
                     *(lang_column("constraint_message", lg) for lg in langs), "calculation", GC, *READABLE])
    choices = _Sheet(["list_name", "name", *(lang_column("label", lg) for lg in langs), GC, "gc_points"])
    _meta_questions(inst, survey, choices)
    made: set[str] = set()
    for section in inst.spec.sections:
        row = {"type": "begin_group", "name": section.id,
               GC: _json(section.model_dump(mode="json", exclude_defaults=True, exclude={"id", "title", "items"}))}
        _texts(inst, section.title, "label", row)
        survey.add(**row)
        for item in section.items:
            survey.add(**_item_row(inst, item, choices, made))
        survey.add(type="end_group", name=section.id)
    for d in inst.spec.derived:
        survey.add(type="calculate", name=d.id, calculation=to_xpath(d.expr),
                   **{GC: _json(d.model_dump(mode="json", exclude_defaults=True, exclude={"id", "expr"}))})
    first = langs[0]
    settings = _Sheet(["form_title", "form_id", "version", "default_language"])
    settings.add(form_title=inst.title(first), form_id=inst.id, version=inst.version,
                 default_language=f"{LANG_NAMES.get(first, first)} ({first})")
    return _workbook((("survey", survey), ("choices", choices), ("settings", settings), (GC, _own_keys(inst))))


def _meta_questions(inst: Instrument, survey: _Sheet, choices: _Sheet) -> None:
    """A question for each of context / audience / stage that the instrument's expressions use."""
    for meta in _meta_names(inst):
        label = META_LABELS.get(meta, {"en": meta})
        row = {"type": f"select_one {META_LISTS[meta]}", "name": meta, "required": "yes"}
        row.update(_fixed_texts(inst, label))
        survey.add(**row)
        for v in _meta_values(meta):
            choices.add(list_name=META_LISTS[meta], name=v,
                        **_fixed_texts(inst, {lg: _ui(f"{meta}.{v}", lg, v) for lg in ("en", "nl")}))


def _own_keys(inst: Instrument) -> _Sheet:
    """The guidecheck sheet: the instrument's own keys, one row per list element or mapping entry
    (cells stay small)."""
    own = _Sheet(["key", "part", "value"])
    top = inst.spec.model_dump(mode="json", exclude_defaults=True, exclude={"sections", "derived"})
    for key, value in top.items():
        if isinstance(value, list):
            for i, v in enumerate(value):
                own.add(key=key, part=str(i), value=json.dumps(v, ensure_ascii=False))
        elif isinstance(value, dict):
            for k, v in value.items():
                own.add(key=key, part="." + str(k), value=json.dumps(v, ensure_ascii=False))
        else:
            own.add(key=key, part="", value=json.dumps(value, ensure_ascii=False))
    return own


def _workbook(sheets: Iterable[tuple[str, _Sheet]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for ws in list(book.worksheets):
        book.remove(ws)
    for title, sheet in sheets:
        ws = book.create_sheet(title)
        ws.append(sheet.columns)
        for row in sheet.rows:
            ws.append([row.get(c, "") for c in sheet.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# XLSForm question type of each item type with a choice list
_SELECT = {"yes_no": "select_one", "choice": "select_one", "likert": "select_one", "multi": "select_multiple"}


def _item_row(inst: Instrument, item: model.AnyItem, choices: _Sheet, made: set[str]) -> Cells:
    extra = _item_extra(item)
    row: Cells = {"name": item.id, "required": "yes" if item.required else "no", GC: _json(extra)}
    for col, fn in READABLE.items():
        value = fn(extra)
        if value != "":
            row[col] = value
    _texts(inst, item.text, "label", row)
    _texts(inst, item.help, "hint", row)
    if item.show_if:
        row["relevant"] = to_xpath(item.show_if)
    if item.type in _SELECT:
        row["type"] = f"{_SELECT[item.type]} {_list_for(inst, item, choices, made)}"
    elif item.type == "number":
        row.update(_number_columns(inst, item))
    elif item.type == "text":
        row["type"] = "text"
        row["constraint"] = f"string-length(.) <= {item.max_length}"
    return row


def _item_extra(item: model.AnyItem) -> Data:
    """The item's keys that no standard column carries (for the guidecheck column)."""
    kind = item.type
    standard = STANDARD | STANDARD_BY_TYPE.get(kind, set())
    if item.type == "likert" and item.options is not None:
        standard = standard | {"options"}
    extra = item.model_dump(mode="json", exclude_defaults=True, exclude=standard)
    extra["type"] = kind if kind not in ("choice", "multi", "number", "text") else extra.pop("type", None)
    return {k: v for k, v in extra.items() if v is not None}


def _number_columns(inst: Instrument, item: model.NumberItem) -> Cells:
    row: Cells = {"type": "integer" if item.integer else "decimal"}
    bounds = [f". >= {_num(item.min)}"] if item.min is not None else []
    bounds += [f". <= {_num(item.max)}"] if item.max is not None else []
    if bounds:
        row["constraint"] = " and ".join(bounds)
        low = _num(item.min) if item.min is not None else "…"
        high = _num(item.max) if item.max is not None else "…"
        row.update(_fixed_texts(inst, {"en": f"Between {low} and {high}", "nl": f"Tussen {low} en {high}"},
                                "constraint_message"))
    return row


# --------------------------------------------------------------------------- reading


@dataclass
class Note:
    """One construct of the form that the instrument does not carry (or carries differently)."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}" + (f" row {self.row}" if self.row else "") + f": {self.message}"


class FormError(GuideCheckError, ValueError):
    """The workbook cannot be read as an XLSForm at all."""


_LANG_COL = re.compile(r"^(label|hint|constraint_message|required_message|constraint message|required message)"
                       r"(?:\s*::\s*(.+))?$", re.I)
_ALIASES = {"relevance": "relevant", "calculate": "calculation", "list name": "list_name",
            "constraint message": "constraint_message", "required message": "required_message",
            "bind::relevant": "relevant", "bind::required": "required", "bind::constraint": "constraint",
            "bind::calculate": "calculation", "caption": "label"}
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
            "email", "audit", "start-geopoint", "background-audio", "uri:subscriberid", "uri:deviceid",
            "uri:simserial", "uri:phonenumber", "uri:username", "uri:email"}
_SLUG_BAD = re.compile(r"[^a-z0-9_]+")


def slug_id(name: str) -> str:
    """The GuideCheck id for a form's name: lower case letters, digits and _, never a reserved word."""
    gid = _SLUG_BAD.sub("_", name.lower()).strip("_") or "q"
    return "q_" + gid if gid in RESERVED or gid[0].isdigit() else gid


def _lang_code(spec: str) -> str | None:
    m = re.search(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\)\s*$", spec)
    if m:
        return m.group(1).lower()
    lowered = spec.strip().lower()
    for code, name in LANG_NAMES.items():
        if lowered in (name.lower(), code):
            return code
    return None


def _rows(ws: Any) -> tuple[list[str], Rows]:
    it = ws.iter_rows(values_only=True)
    try:
        header = [("" if h is None else str(h).strip()) for h in next(it)]
    except StopIteration:
        return [], []
    out = []
    for n, values in enumerate(it, start=2):
        row = {}
        for h, v in zip(header, values, strict=False):
            if h and v is not None and str(v).strip() != "":
                row[h] = str(v).strip() if not isinstance(v, float) or not v.is_integer() else str(int(v))
        if row:
            out.append((n, row))
    return header, out


def _key(header: str) -> tuple[str, str | None]:
    """(column kind, language code or None) for a header."""
    m = _LANG_COL.match(header)
    if m:
        kind = _ALIASES.get(m.group(1).lower(), m.group(1).lower())
        return kind, m.group(2)
    low = header.lower()
    return _ALIASES.get(low, low), None


class _Reader:
    """The sheets of a workbook as rows, and the notes gathered while reading them."""

    def __init__(self, book: Any, name: str):
        self.name = name
        self.notes: list[Note] = []
        sheets = {ws.title.lower(): ws for ws in book.worksheets}
        if "survey" not in sheets:
            raise FormError(f"{name}: no 'survey' sheet, so this is not an XLSForm")
        self.survey = _rows(sheets["survey"])
        self.choices = _rows(sheets["choices"]) if "choices" in sheets else ([], [])
        self.settings = _rows(sheets["settings"]) if "settings" in sheets else ([], [])
        self.own = _rows(sheets[GC]) if GC in sheets else None
        for title in sheets:
            if title not in ("survey", "choices", "settings", GC, "external_choices", "entities"):
                self.note(title, None, "this sheet is not read")
        for title in ("external_choices", "entities"):
            if title in sheets:
                self.note(title, None, f"the {title} sheet has no GuideCheck form; left out")

    def note(self, sheet: str, row: int | None, message: str) -> None:
        self.notes.append(Note(sheet, row, message))


def _top_from_sheet(rows: Rows) -> Data:
    top: Data = {}
    for _n, row in rows:
        key, part, raw = row.get("key"), row.get("part", ""), row.get("value")
        if not key or raw is None:
            continue
        value = json.loads(raw)
        if part == "":
            top[key] = value
        elif part.startswith("."):
            top.setdefault(key, {})[part[1:]] = value
        else:
            top.setdefault(key, []).append(value)
    return top


def _texts_by_lang(row: Row, kind: str, fallback: str) -> dict[str, str]:
    """The texts of one kind (label, hint, ...) in a row by language code; a column without a
    language counts for the fallback language unless that language has its own column."""
    values: dict[str, str] = {}
    plain = None
    for header, value in row.items():
        k, spec = _key(header)
        if k != kind:
            continue
        if spec is None:
            plain = value
        else:
            code = _lang_code(spec)
            if code:
                values[code] = value
    if plain is not None:
        values.setdefault(fallback, plain)
    return values


@dataclass
class _Form:
    """What the whole form says that each row needs: languages, choice lists, names and kinds."""

    r: _Reader
    own: bool  # our own form (the guidecheck sheet is there and readable)
    langs: list[str]
    fallback: str
    lists: dict[str, Rows]
    rename: dict[str, str]  # XLSForm name -> GuideCheck id
    kinds: dict[str, str]  # GuideCheck id -> kind, for expressions

    def note(self, sheet: str, row: int | None, message: str) -> None:
        self.r.note(sheet, row, message)

    def texts(self, row: Row, kind: str, sheet: str, n: int) -> Texts | None:
        """The row's text of one kind in every language of the instrument (a note for each one missing)."""
        values = _texts_by_lang(row, kind, self.fallback)
        if not values:
            return None
        out = {}
        for lang in self.langs:
            if lang in values:
                out[lang] = values[lang]
            else:
                out[lang] = values.get(self.fallback) or next(iter(values.values()))
                self.note(sheet, n, f"no {kind} in '{lang}'; the text in another language is used")
        return out if len(self.langs) > 1 else out[self.langs[0]]

    def expr(self, text: str, n: int, what: str) -> str | None:
        try:
            return from_xpath(text, self.kinds, self.rename)
        except (Unsupported, ex.ExprError) as exc:
            self.note("survey", n, f"{what} '{text}' cannot be carried: {exc}; left out")
            return None


def read_xlsform(raw: bytes, name: str = "form.xlsx") -> tuple[Data, list[Note]]:
    """An instrument (as the data of a YAML file) from XLSForm bytes, and the notes on what was left out."""
    r = _Reader(_open_book(raw, name), name)
    own, top = _own_sheet(r)
    settings, default_lang = _settings(r)
    langs = _languages(r, top, default_lang)
    lists = _choice_lists(r)
    rename, kinds = _names_and_kinds(r, lists, own)
    form = _Form(r, own, langs, default_lang or langs[0], lists, rename, kinds)
    walk = _SurveyWalk(form)
    for n, row in r.survey[1]:
        walk.row(n, row)
    data = _instrument_data(form, top, settings, name, _with_questions(walk.sections, r), walk.derived)
    for rename_from, rename_to in rename.items():
        if rename_from != rename_to and rename_from not in META_LISTS:
            r.note("survey", None, f"name '{rename_from}' becomes the item id '{rename_to}' "
                                   "(ids are lower case letters, digits and _)")
    return data, r.notes


def _open_book(raw: bytes, name: str) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise FormError(f"{name}: cannot read as an .xlsx workbook ({type(exc).__name__})") from None


def _own_sheet(r: _Reader) -> tuple[bool, Data]:
    """(whether this is our own form, the instrument's own keys from the guidecheck sheet)."""
    if r.own is None:
        return False, {}
    try:
        return True, _top_from_sheet(r.own[1])
    except json.JSONDecodeError as exc:
        r.note(GC, None, f"the guidecheck sheet holds invalid JSON ({exc.msg}); it is ignored")
        return False, {}


def _settings(r: _Reader) -> tuple[Row, str | None]:
    """(the settings row, the default language's code)."""
    settings = r.settings[1][0][1] if r.settings[1] else {}
    for key in settings:
        if key not in ("form_title", "form_id", "version", "default_language"):
            r.note("settings", 2, f"'{key}' has no GuideCheck form; left out")
    default_lang = _lang_code(settings["default_language"]) if settings.get("default_language") else None
    return settings, default_lang


def _languages(r: _Reader, top: Data, default_lang: str | None) -> list[str]:
    """The instrument's languages: our own list, else those of the text columns, default first."""
    found: list[str] = []
    for header in r.survey[0] + r.choices[0]:
        kind, spec = _key(header)
        if kind in TEXTS and spec:
            code = _lang_code(spec)
            if code is None:
                r.note("survey", 1, f"the language of column '{header}' has no code like 'English (en)'; "
                                    "its texts are left out")
            elif code not in found:
                found.append(code)
    langs: list[str] = list(top.get("languages") or [])
    if not langs:
        langs = found or [default_lang or "en"]
        if default_lang in langs:
            langs.remove(default_lang)
            langs.insert(0, default_lang)
    return langs


def _choice_lists(r: _Reader) -> dict[str, Rows]:
    lists: dict[str, Rows] = {}
    for n, row in r.choices[1]:
        ln = row.get("list_name")
        if not ln or "name" not in row:
            r.note("choices", n, "a choice without list_name or name; left out")
            continue
        lists.setdefault(ln, []).append((n, row))
        for header in row:
            k, _ = _key(header)
            if k not in ("list_name", "name", "label", GC, "gc_points") and not k.startswith("gc_"):
                r.note("choices", n, f"column '{header}' ({row[header]!r}) has no GuideCheck form; left out")
    return lists


# XLSForm question type -> GuideCheck item type (select types may carry our own type instead)
_XLS_KIND = {"select_one": "choice", "select_multiple": "multi", "integer": "number", "decimal": "number",
             "range": "number"}
_NOT_NAMED = ("begin_group", "end_group", "begin", "end", "note")


def _is_meta_question(name: str | None, typ: list[str]) -> bool:
    """Our own question for the context / audience / stage of a response."""
    return name in META_LISTS and len(typ) > 1 and typ[1] == META_LISTS[name]


def _names_and_kinds(r: _Reader, lists: dict[str, Rows], own: bool) -> tuple[dict[str, str], dict[str, str]]:
    """(XLSForm name -> GuideCheck id, id -> kind): expressions need every name before translating."""
    rename: dict[str, str] = {}
    kinds: dict[str, str] = {}
    used: set[str] = set()
    for n, row in r.survey[1]:
        typ = row.get("type", "").split()
        name = row.get("name")
        if not typ or not name or typ[0] in _NOT_NAMED:
            continue
        if _is_meta_question(name, typ):
            rename[name], kinds[name] = name, "text"
            continue
        gid = slug_id(name)
        base, k = gid, 2
        while gid in used:
            gid, k = f"{base}_{k}", k + 1
        used.add(gid)
        rename[name] = gid
        extra = _row_json(row, r, n) if own else {}
        numeric = len(typ) > 1 and bool(lists.get(typ[1])) and all(
            re.fullmatch(r"-?\d+", c.get("name", "")) for _, c in lists[typ[1]] if c.get("name") != UNSURE)
        kinds[gid] = _expr_kind(extra.get("type") or _XLS_KIND.get(typ[0], "text"), numeric)
    return rename, kinds


def _expr_kind(kind: str, numeric: bool) -> str:
    """How expressions see an item of this type (choices with numbers as names are numbers)."""
    if kind == "multi":
        return "multi_num" if numeric else "multi"
    if kind in ("number", "likert") or (kind == "choice" and numeric):
        return "number"
    return "yes_no" if kind == "yes_no" else "text"


_ROW_WORDS = (("begin group", "begin_group"), ("end group", "end_group"), ("begin repeat", "begin_repeat"),
              ("end repeat", "end_repeat"))


def _row_type(text: str) -> list[str]:
    for words, joined in _ROW_WORDS:
        text = text.replace(words, joined)
    return text.split()


class _SurveyWalk:
    """The survey sheet read row by row into sections and derived values."""

    def __init__(self, form: _Form):
        self.form = form
        self.sections: list[Data] = []
        self.derived: list[Data] = []
        self.current: Data | None = None  # the open group
        self.loose: Data | None = None  # the section for questions outside any group
        self.skip_depth = 0  # inside a repeat
        self.group_depth = 0

    def row(self, n: int, row: Row) -> None:
        typ_text = row.get("type", "").strip()
        typ = _row_type(typ_text)
        if not typ:
            self.form.note("survey", n, "a row without a type; left out")
            return
        head = typ[0]
        if self.skip_depth:
            self.skip_depth += {"begin_repeat": 1, "end_repeat": -1}.get(head, 0)
            return
        structure = self._STRUCTURE.get(head)
        if structure is not None:
            structure(self, n, row)
            return
        name = row.get("name")
        if self._not_a_question(head, name, typ, n):
            return
        if head == "calculate":
            self._calculate(n, row, name)
        elif not name:
            self.form.note("survey", n, f"a '{typ_text}' row without a name; left out")
        else:
            item = _item(row, typ, n, self.form)
            if item is not None:
                self._add(item)

    def _not_a_question(self, head: str, name: str | None, typ: list[str], n: int) -> bool:
        if head in METADATA:
            self.form.note("survey", n, f"metadata field '{name or head}' ({head}) is not a question; left out")
            return True
        if head == "note":
            self.form.note("survey", n, f"note '{name}' is not a question; left out")
            return True
        return _is_meta_question(name, typ)

    def _begin_repeat(self, n: int, row: Row) -> None:
        self.skip_depth = 1
        self.form.note("survey", n, f"repeat '{row.get('name', '')}' has no GuideCheck form (one answer per "
                                    "item); it and every row inside it are left out")

    def _begin_group(self, n: int, row: Row) -> None:
        form = self.form
        self.group_depth += 1
        if self.group_depth > 1:
            form.note("survey", n, f"group '{row.get('name', '')}' is inside another group; GuideCheck sections "
                                   "do not nest, so it becomes a section of its own")
        sid = _SLUG_BAD.sub("_", row.get("name", f"section_{n}").lower()).strip("_") or f"section_{n}"
        title: Texts = form.texts(row, "label", "survey", n) or row.get("name", sid)
        if len(form.langs) > 1 and isinstance(title, str):
            title = {lang: title for lang in form.langs}
        self.current = {"id": sid, "title": title}
        if form.own:
            self.current.update(_row_json(row, form.r, n))
        self.current["items"] = []
        self.sections.append(self.current)
        _report_columns(row, form.r, n, {"type", "name", "label", GC})

    def _end_group(self, n: int, row: Row) -> None:
        self.group_depth = max(0, self.group_depth - 1)
        self.current = None

    _STRUCTURE: dict[str, Callable[[_SurveyWalk, int, Row], None]] = {
        "begin_repeat": _begin_repeat, "begin_group": _begin_group, "end_group": _end_group}

    def _calculate(self, n: int, row: Row, name: str | None) -> None:
        form = self.form
        value = form.expr(row["calculation"], n, "calculation") if row.get("calculation") else None
        if value is not None:
            d = {"id": form.rename.get(name, name) if name else name, "expr": value}
            if form.own:
                d.update(_row_json(row, form.r, n))
            self.derived.append(d)
        _report_columns(row, form.r, n, {"type", "name", "calculation", GC, "label", "hint"})

    def _add(self, item: Data) -> None:
        if self.current is not None:
            self.current["items"].append(item)
            return
        if self.loose is None:
            self.loose = _loose_section(self.form.langs)
            self.sections.append(self.loose)
        self.loose["items"].append(item)


def _loose_section(langs: list[str]) -> Data:
    """The section for the questions outside any group."""
    names = {"en": "Questions", "nl": "Vragen"}
    by_lang = {lang: names.get(lang, "Questions") for lang in langs}
    title: Texts = by_lang[langs[0]] if len(langs) == 1 else by_lang
    return {"id": "questions", "title": title, "items": []}


def _with_questions(sections: list[Data], r: _Reader) -> list[Data]:
    for s in list(sections):
        if not s["items"]:
            sections.remove(s)
            r.note("survey", None, f"group '{s['id']}' holds no question GuideCheck carries; left out")
    return sections


def _instrument_data(form: _Form, top: Data, settings: Row, name: str, sections: list[Data],
                     derived: list[Data]) -> Data:
    data: Data = {"format": 1}
    if form.own:
        data.update(top)
        data["languages"] = data.get("languages", form.langs)
    else:
        data.update(_foreign_head(settings, name, form))
    data["sections"] = sections
    if derived:
        data["derived"] = derived
    order = ["format", "id", "version", "languages", "title"]
    return {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}


def _foreign_head(settings: Row, name: str, form: _Form) -> Data:
    """Id, version, languages and title of someone else's form, from its settings."""
    langs = form.langs
    form_id = settings.get("form_id") or name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", form_id.lower()).strip("-") or "form"
    if slug != form_id:
        form.note("settings", 2, f"form_id '{form_id}' becomes the instrument id '{slug}'")
    version = str(settings.get("version", "1.0.0"))
    if not re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?", version):
        kept = "1.0.0+" + (re.sub(r"[^0-9A-Za-z.-]", "", version) or "0")
        form.note("settings", 2, f"version '{version}' is not of the form 1.2.3; kept as {kept}")
        version = kept
    title = settings.get("form_title") or form_id
    return {"id": slug, "version": version, "languages": langs,
            "title": {lang: title for lang in langs} if len(langs) > 1 else title}


def _row_json(row: Row, r: _Reader, n: int) -> Data:
    raw = row.get(GC)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        r.note("survey", n, f"the guidecheck column holds invalid JSON ({exc.msg}); it is ignored")
        return {}
    return value if isinstance(value, dict) else {}


def _report_columns(row: Row, r: _Reader, n: int, used: set[str], sheet: str = "survey") -> None:
    for header, value in row.items():
        kind, _ = _key(header)
        if kind in used or kind in READABLE or kind == GC:
            continue
        r.note(sheet, n, f"column '{header}' ({value!r}) has no GuideCheck form; left out")


def _value(name: str) -> int | str:
    return int(name) if re.fullmatch(r"-?\d+", name) else name


def _number(name: str) -> int | float:
    value = float(name)
    return int(value) if value.is_integer() else value


# ----- one question row


_QUESTION_COLUMNS = frozenset({"type", "name", "label", "hint", "relevant", "required", "constraint",
                               "constraint_message", "required_message", GC})
_HEAD_KIND = {"integer": "number", "decimal": "number", "range": "number", "text": "text"}
_REQUIRED = {**dict.fromkeys(("yes", "true", "true()", "1"), True),
             **dict.fromkeys(("", "no", "false", "false()", "0"), False)}


def _item(row: Row, typ: list[str], n: int, form: _Form) -> Data | None:
    """The item of a question row, or None (with a note) when it has no GuideCheck form."""
    name = row["name"]
    extra = _row_json(row, form.r, n) if form.own else {}
    kind = _question_kind(typ, extra.get("type"), n, form, name)
    if kind is None:
        return None
    item: Data = {"id": form.rename[name], "type": kind, **{k: v for k, v in extra.items() if k != "type"}}
    item["text"] = _label(row, name, n, form)
    hint = form.texts(row, "hint", "survey", n)
    if hint is not None:
        item["help"] = hint
    item["required"] = _required(row, n, form)
    if row.get("relevant"):
        show = form.expr(row["relevant"], n, "relevant")
        if show is not None:
            item["show_if"] = show
    if not _item_choices(item, kind, typ, n, form, name):
        return None
    used = set(_QUESTION_COLUMNS)
    if kind == "number":
        _number_kind(item, typ[0], row, n, form, used)
    if row.get("constraint"):
        _constraint(item, kind, typ[0], row, n, form)
    _report_columns(row, form.r, n, used)
    return item


def _question_kind(typ: list[str], own_kind: Any, n: int, form: _Form, name: str) -> Any:
    """The item type of a question row (our own type for select rows), or None with a note."""
    head = typ[0]
    if head in ("select_one", "select_multiple"):
        if len(typ) < 2 or typ[1] not in form.lists:
            form.note("survey", n, f"'{' '.join(typ)}': the choice list is missing from the choices sheet; left out")
            return None
        if len(typ) > 2:
            form.note("survey", n, f"'{' '.join(typ[2:])}' (e.g. or_other) has no GuideCheck form; left out")
        return own_kind or _XLS_KIND[head]
    kind = _HEAD_KIND.get(head)
    if kind is None:
        form.note("survey", n, f"question type '{head}' has no GuideCheck form; '{name}' is left out")
    return kind


def _label(row: Row, name: str, n: int, form: _Form) -> Texts:
    label = form.texts(row, "label", "survey", n)
    if label is None:
        label = name if len(form.langs) == 1 else {lang: name for lang in form.langs}
        form.note("survey", n, f"'{name}' has no label; its name is used as its text")
    return label


def _required(row: Row, n: int, form: _Form) -> bool:
    required = _REQUIRED.get(row.get("required", "").strip().lower())
    if required is None:
        form.note("survey", n, f"required '{row['required']}' (a condition) has no GuideCheck form; "
                               "the item is optional")
    return bool(required)


def _is_unsure(choice: Row) -> bool:
    """The 'I don't know' choice GuideCheck adds (our own options carry JSON)."""
    return choice["name"] == UNSURE and not choice.get(GC)


def _item_choices(item: Data, kind: str, typ: list[str], n: int, form: _Form, name: str) -> bool:
    """Options and allow_unsure of a select item from its choice list; False when it is left out."""
    if kind == "yes_no":
        if not form.own:
            item["allow_unsure"] = any(c["name"] == UNSURE for _, c in form.lists.get(typ[1], []))
        return True
    if kind not in ("choice", "multi", "likert"):
        return True
    choices = form.lists.get(typ[1], [])
    if not form.own and kind != "multi":
        item["allow_unsure"] = any(_is_unsure(c) for _, c in choices)
    if kind == "likert":
        return "scale" in item or _likert_options(item, choices, n, form, name)
    item["options"] = _options(kind, choices, form)
    return True


def _options(kind: str, choices: Rows, form: _Form) -> list[Data]:
    """The options of a choice or multi item (all values text when numbers and words are mixed)."""
    options = [_option(c, cn, form) for cn, c in choices if not (kind == "choice" and _is_unsure(c))]
    if len({type(o["value"]) for o in options}) > 1:
        for o in options:
            o["value"] = str(o["value"])
    return options


def _likert_options(item: Data, choices: Rows, n: int, form: _Form, name: str) -> bool:
    try:
        item["options"] = [{"value": _number(c["name"]), "label": form.texts(c, "label", "choices", cn) or c["name"]}
                           for cn, c in choices if not _is_unsure(c)]
    except ValueError:
        form.note("survey", n, f"the choices of likert item '{name}' are not numbers; left out")
        return False
    return True


def _option(c: Row, cn: int, form: _Form) -> Data:
    label = form.texts(c, "label", "choices", cn) or (c["name"] if len(form.langs) == 1
                                                      else {lg: c["name"] for lg in form.langs})
    option: Data = {"value": _value(c["name"]), "label": label}
    if c.get(GC):
        try:
            option.update(json.loads(c[GC]))
        except json.JSONDecodeError as exc:
            form.note("choices", cn, f"the guidecheck column holds invalid JSON ({exc.msg}); it is ignored")
    return option


def _number_kind(item: Data, head: str, row: Row, n: int, form: _Form, used: set[str]) -> None:
    """integer, and the bounds of a range."""
    if head == "integer":
        item["integer"] = True
    if head != "range":
        return
    used.add("parameters")
    params = dict(p.split("=", 1) for p in re.split(r"[\s;,]+", row.get("parameters", "")) if "=" in p)
    try:
        start, end, step = (float(params.get(k, d)) for k, d in (("start", 1), ("end", 10), ("step", 1)))
        item["min"], item["max"] = sorted((_number(str(start)), _number(str(end))))
        if float(step).is_integer() and float(start).is_integer():
            item["integer"] = True
        else:
            form.note("survey", n, f"range step {params.get('step')}: GuideCheck keeps only the bounds")
    except ValueError:
        form.note("survey", n, f"range parameters '{row.get('parameters')}' cannot be read; no bounds kept")


def _constraint(item: Data, kind: str, head: str, row: Row, n: int, form: _Form) -> None:
    """Bounds from the constraint of a number or text question; a note for anything else."""
    text = row["constraint"]
    if kind not in ("number", "text"):
        form.note("survey", n, f"constraint '{text}' on a {head} question has no GuideCheck form; left out")
        return
    try:
        bounds, notes = parse_constraint(text, integer=item.get("integer", False))
    except Unsupported as exc:
        form.note("survey", n, f"constraint '{text}' cannot be carried: {exc}; left out")
        return
    for note in notes:
        form.note("survey", n, note)
    item.update({k: v for k, v in bounds.items() if (k == "max_length") == (kind == "text")})


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors: the same text object used twice is written twice."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def xlsform_to_yaml(raw: bytes, name: str = "form.xlsx") -> tuple[str, list[Note], list[Problem]]:
    """(YAML text, notes, load problems) for an XLSForm; the problems are empty when the YAML is valid.

    The YAML starts with a comment listing every note, so that what was left out travels with it.
    """
    from ..loader import validate_bytes

    data, notes = read_xlsform(raw, name)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    head = [f"# Converted from {name.rsplit('/', 1)[-1]} by GuideCheck (python -m scoring convert)."]
    if notes:
        head.append(f"# {len(notes)} construct(s) of the form are not carried or carried differently:")
        head += [f"#   {n}" for n in notes]
    text = "\n".join(head) + "\n" + body
    _, problems = validate_bytes(text.encode("utf-8"), name.rsplit(".", 1)[0] + ".yaml")
    return text, notes, problems
