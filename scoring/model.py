"""The instrument format as pydantic models: the one declarative description of every key.

Unknown keys are refused (``extra="forbid"``); ``x-`` keys are removed before validation by the
loader, so they never reach these models. Values are validated strictly (a quoted "5" is not a
number). What cannot be said per field (references, languages, expressions) is checked after
parsing, in ``checks.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
ItemId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=80)]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9_]+$", max_length=80)]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")]
SemVer = Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")]
# A user-facing text: a plain string (only when the instrument has one language) or {lang: text}.
Text = Union[Annotated[str, Field(max_length=5000)], dict[Lang, Annotated[str, Field(max_length=5000)]]]
Expr = Annotated[str, Field(max_length=1000)]
Number = Union[int, float]

Severity = Literal["critical", "major", "minor"]
Context = Literal["clinical", "harm_reduction"]
ContextOrUnknown = Literal["clinical", "harm_reduction", "unknown"]
Audience = Literal["vetting", "self_audit", "research"]
# The earliest moment a person vetting a guide can know an answer (revision 2), in order.
Stage = Literal["before_intake", "after_intake", "after_session"]
Tone = Literal["good", "mixed", "poor"]
# A weight: a number > 0 (revision 2). Strict: a quoted "2" is not a number (a whole number is).
Weight = Annotated[float, Field(gt=0, allow_inf_nan=False)]

CONTEXTS: tuple[ContextOrUnknown, ...] = ("clinical", "harm_reduction", "unknown")
AUDIENCES: tuple[Audience, ...] = ("vetting", "self_audit", "research")
STAGES: tuple[Stage, ...] = ("before_intake", "after_intake", "after_session")
TONES: tuple[Tone, ...] = ("good", "mixed", "poor")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SourceRef(Strict):
    """The long form of ``source``: a key of ``sources`` and where in that source."""

    key: str
    locator: str | None = None


class Flag(Strict):
    when: Expr
    severity: Severity
    message: Text
    self_audit_message: Text | None = None  # revision 2: the message for an organisation auditing itself


class Option(Strict):
    value: Union[int, str]
    label: Text
    points: Number | None = None
    unsure: bool = False  # extension: choosing it counts as an `unsure` answer


class ScalePoint(Strict):
    value: Number
    label: Text


class PointsBand(Strict):
    min: Number | None = None
    max: Number | None = None
    points: Number


class YesNoPoints(Strict):
    yes: Number = 1
    no: Number = 0


class ItemBase(Strict):
    id: ItemId
    text: Text
    self_audit_text: Text | None = None
    help: Text | None = None
    required: bool = True
    show_if: Expr | None = None
    criteria: list[Annotated[str, Field(min_length=1, max_length=40)]] = []
    source: Union[str, SourceRef, None] = None
    flag: Flag | None = None
    # revision 2
    ask: Text | None = None  # the item as a question to put to the provider
    stage: Stage = "before_intake"  # the earliest moment a person vetting a guide can know the answer
    weight: Weight = 1  # how much it counts in every score that holds it


class YesNoItem(ItemBase):
    type: Literal["yes_no"]
    points: YesNoPoints = YesNoPoints()
    allow_unsure: bool = True


class ChoiceItem(ItemBase):
    type: Literal["choice"]
    options: Annotated[list[Option], Field(min_length=1, max_length=200)]
    allow_unsure: bool = True


class MultiItem(ItemBase):
    type: Literal["multi"]
    options: Annotated[list[Option], Field(min_length=1, max_length=200)]
    max_points: Number | None = None
    allow_unsure: bool = True


class LikertItem(ItemBase):
    type: Literal["likert"]
    scale: str | None = None
    options: Annotated[list[ScalePoint], Field(min_length=2, max_length=101)] | None = None
    reverse: bool = False
    allow_unsure: bool = True


class NumberItem(ItemBase):
    type: Literal["number"]
    min: Number | None = None
    max: Number | None = None
    integer: bool = False
    unit: Text | None = None
    points_bands: list[PointsBand] | None = None
    allow_unsure: bool = True


class TextItem(ItemBase):
    type: Literal["text"]
    max_length: Annotated[int, Field(ge=1, le=20000)] = 2000


# one item of any type, for type checking (mypy narrows it by its ``type`` literal)
AnyItem = Union[YesNoItem, ChoiceItem, MultiItem, LikertItem, NumberItem, TextItem]
Item = Annotated[AnyItem, Field(discriminator="type")]
ITEM_TYPES: dict[str, type[ItemBase]] = {
    "yes_no": YesNoItem, "choice": ChoiceItem, "multi": MultiItem,
    "likert": LikertItem, "number": NumberItem, "text": TextItem,
}


class Section(Strict):
    id: Ident
    title: Text
    description: Text | None = None
    items: Annotated[list[Item], Field(min_length=1, max_length=500)]


class Derived(Strict):
    id: Ident
    expr: Expr
    label: Text | None = None


class Score(Strict):
    id: Ident
    label: Text
    items: list[ItemId] | None = None
    section: Ident | None = None
    method: Literal["mean", "sum", "percent", "mean_percent"]
    # revision 2 states the default: the half rule
    min_answered: Annotated[float, Field(ge=0, le=1)] = 0.5


class Rule(Strict):
    id: Ident
    when: Expr
    severity: Severity
    message: Text
    self_audit_message: Text | None = None


class Band(Strict):
    id: Ident
    min: Number
    label: Text
    score: Ident | None = None
    tone: Tone | None = None  # default: first band good, last poor, any between mixed


class Expect(Strict):
    scores: dict[str, Number | None] = {}
    verdict: str | None = None
    flags: list[str] | None = None
    unverified: list[str] | None = None


class Example(Strict):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    like: str | None = None  # start from the answers of an earlier example of this name
    answers: dict[str, Any] = {}
    context: ContextOrUnknown = "unknown"
    audience: Audience = "vetting"
    stage: Stage = "after_session"
    expect: Expect


class InstrumentSpec(Strict):
    format: Literal[1]
    id: Slug
    version: SemVer
    languages: Annotated[list[Lang], Field(min_length=1, max_length=20)]
    title: Text
    description: Text | None = None
    audiences: Annotated[list[Audience], Field(min_length=1)] = list(AUDIENCES)
    contexts: Annotated[list[Context], Field(min_length=1)] = ["clinical", "harm_reduction"]
    sources: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")], Annotated[str, Field(max_length=2000)]] = {}
    scales: dict[Ident, Annotated[list[ScalePoint], Field(min_length=2, max_length=101)]] = {}
    sections: Annotated[list[Section], Field(min_length=1, max_length=200)]
    derived: list[Derived] = []
    scores: list[Score] = []
    rules: list[Rule] = []
    bands: list[Band] = []
    # revision 2: a raised flag of this severity lowers the verdict to at most this band
    caps: dict[Annotated[str, Field(max_length=40)], Ident] = {}
    examples: list[Example] = []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, allowing ``x-`` keys wherever the loader ignores them."""
    schema = InstrumentSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "GuideCheck instrument (format 1)"

    def allow_x(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and node.get("additionalProperties") is False:
                node.setdefault("patternProperties", {})["^x-"] = {}
            for v in node.values():
                allow_x(v)
        elif isinstance(node, list):
            for v in node:
                allow_x(v)

    allow_x(schema)
    return schema
