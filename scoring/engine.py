"""Scoring one response, in plain Python: the reference that ``frame.py`` must agree with.

The app's report uses this (it needs more than the tidy row: which items are unverified,
which are questions to ask, each flag's message); ``score_frame`` is for many responses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import expressions as ex
from .answers import ANSWERED, MISSING, UNSURE, AnswerError, AnswerProblem, BadAnswer, check_meta, check_value
from .i18n import Message
from .instrument import STAGE_INDEX, Instrument, ItemInfo, ScoreInfo
from .items import plugin as item_type
from .items.base import added

HIDDEN = "hidden"


@dataclass
class FlagHit:
    id: str
    severity: str
    message: object  # a user-facing text (str or {lang: str})
    item: str | None = None  # the item whose flag this is; None for a rule


@dataclass
class Result:
    instrument_id: str
    instrument_version: str
    content_hash: str
    context: str
    audience: str
    scores: dict[str, float | None]
    verdict: str | None
    flags: list[str]
    flag_details: list[FlagHit]
    status: dict[str, str]  # item id -> answered / unsure / missing / hidden
    values: dict[str, object]  # item id -> normal-form answer (None unless answered)
    points: dict[str, float | None]
    derived: dict[str, object] = field(default_factory=dict)
    # shown critical-capable items answered `unsure` or left unanswered: never shown as passed
    unverified: list[str] = field(default_factory=list)
    # shown items left unanswered or answered `unsure`: questions to ask the provider
    questions: list[str] = field(default_factory=list)
    stage: str = "after_session"  # the moment the answers were given at (revision 2)
    band: str | None = None  # the band the banded score falls in, before caps (None when null)


def item_points(info: ItemInfo, value: Any) -> float | None:
    """The points an answered item gives (None when it gives none). ``value`` is the checked answer
    in its normal form, whose type follows the item's (text, number, set of option values)."""
    if not info.scored:
        return None
    return item_type(info.spec).points(info, info.spec, value)


def score_values(method: str, points: list[float], lows: list[float], highs: list[float],
                 weights: list[float] | None = None) -> float | None:
    """A score over the answered items' points (contract revision 2: weights in every method).

    Every product and sum is taken in the same order as ``frame._score`` takes it, so that the
    two engines give the very same numbers."""
    if not points:
        return None
    weights = weights if weights is not None else [1.0] * len(points)
    if method == "mean":
        return added(w * p for w, p in zip(weights, points, strict=True)) / added(weights)
    if method == "sum":
        return added(w * p for w, p in zip(weights, points, strict=True))
    if method == "mean_percent":
        terms = [(w * (p - lo) / (hi - lo), w)
                 for w, p, lo, hi in zip(weights, points, lows, highs, strict=True) if hi > lo]
        if not terms:
            return None
        return added(t for t, _ in terms) / added(w for _, w in terms) * 100.0
    low = added(w * lo for w, lo in zip(weights, lows, strict=True))
    span = added(w * hi for w, hi in zip(weights, highs, strict=True)) - low
    if span == 0:
        return None
    return (added(w * p for w, p in zip(weights, points, strict=True)) - low) / span * 100.0


def band_of(instrument: Instrument, value: float | None) -> str | None:
    if value is None:
        return None
    for band in instrument.spec.bands:
        if value >= band.min - 1e-9:
            return band.id
    return None


def capped(instrument: Instrument, band: str | None, severities: Iterable[str]) -> str | None:
    """The band lowered by ``caps`` for the raised flags' severities (revision 2)."""
    if band is None or not instrument.caps:
        return band
    ids = [b.id for b in instrument.spec.bands]
    position = ids.index(band)
    for severity in set(severities):
        cap = instrument.caps.get(severity)
        if cap is not None and position < cap:
            position = cap
    return ids[position]


def verdict_of(instrument: Instrument, scores: dict, severities: list[str], unverified: list[str]
               ) -> tuple[str | None, str | None]:
    """(verdict, band before caps) in the contract's order: critical, unverified, capped band, incomplete."""
    band = band_of(instrument, scores.get(instrument.band_score)) if instrument.band_score else None
    if "critical" in severities:
        return "critical", band
    if unverified:
        return "unverified", band
    if instrument.band_score is None:
        return None, band
    if band is None:
        return "incomplete", band
    return capped(instrument, band, severities), band


COMBINED_ORDER = ("critical", "unverified", "poor", "mixed", "good")


def combined_verdict(instruments: dict[str, Instrument], results: dict[str, Result]) -> str:
    """The verdict of a report over several instruments (revision 2): ``critical`` if any
    instrument's verdict is; else ``unverified`` if any is; else the worst tone among the banded
    verdicts (``poor``, ``mixed``, ``good``), ignoring null and ``incomplete``; else ``incomplete``."""
    found = set()
    for iid, result in results.items():
        verdict = result.verdict
        if verdict in ("critical", "unverified"):
            found.add(verdict)
        elif verdict not in (None, "incomplete"):
            tone = instruments[iid].band_tone(verdict)
            if tone is not None:
                found.add(tone)
    return next((v for v in COMBINED_ORDER if v in found), "incomplete")


def score_response(instrument: Instrument, answers: dict, context: str = "unknown",
                   audience: str = "vetting", response: str = "response", stage: str = "after_session") -> Result:
    """Score one response (``answers``: item id -> raw value). Raises AnswerError when malformed.

    ``stage`` is when the answers were given (revision 2): an item whose stage comes later is
    hidden, as if its ``show_if`` were false."""
    meta, checked = _checked(instrument, answers, {"context": context, "audience": audience, "stage": stage},
                             response)
    context, audience, stage = meta["context"], meta["audience"], meta["stage"]
    env = _Env(instrument, dict(meta))
    status, values, points = _items(instrument, checked, env, STAGE_INDEX[stage])
    for name in instrument.derived:
        env.derive(name)
    hits = _flags(instrument, status, env)
    scores = {score.spec.id: _score(instrument, score, status, points) for score in instrument.scores}
    unverified = [i for i, s in status.items() if s in (UNSURE, MISSING) and instrument.items[i].critical]
    verdict, band = verdict_of(instrument, scores, [h.severity for h in hits], unverified)
    questions = [i for i, s in status.items()
                 if s in (UNSURE, MISSING) and not item_type(instrument.items[i].spec).free_text]
    return Result(instrument.id, instrument.version, instrument.content_hash, context, audience,
                  scores, verdict, [h.id for h in hits], hits, status, values, points,
                  {d: env.values.get(d) for d in instrument.derived}, unverified, questions, stage, band)


def _checked(instrument: Instrument, answers: dict, meta: dict[str, str], response: str
             ) -> tuple[dict[str, str], dict[str, tuple[str, object]]]:
    """(context, audience and stage, each item's (status, normal form)); AnswerError listing
    every problem."""
    problems = []
    for name, default in (("context", "unknown"), ("audience", "vetting"), ("stage", "after_session")):
        try:
            meta[name] = check_meta(name, meta[name]) or default
        except BadAnswer as exc:
            problems.append(AnswerProblem(response, None, str(exc)))
    for key in answers:
        if key not in instrument.items:
            problems.append(AnswerProblem(response, str(key), Message("answers.unknown_key")))
    checked: dict[str, tuple[str, object]] = {}
    scales = instrument.spec.scales
    for iid, info in instrument.items.items():
        try:
            checked[iid] = check_value(info.spec, answers.get(iid), scales)
        except BadAnswer as exc:
            problems.append(AnswerProblem(response, iid, str(exc)))
    if problems:
        raise AnswerError(problems)
    return meta, checked


class _Env:
    """The names expressions read; a derived value is computed when first needed."""

    def __init__(self, instrument: Instrument, values: dict[str, object]):
        self.instrument, self.values = instrument, values
        self.done: set[str] = set()

    def derive(self, name: str) -> None:
        # with a stack, not recursion: a chain of a few thousand derived values (inside the caps)
        # overflowed Python's recursion limit
        derived, stack = self.instrument.derived, [name]
        while stack:
            top = stack[-1]
            if top in self.done or top not in derived:
                stack.pop()
                continue
            todo = [n for n in ex.names(derived[top]) if n in derived and n not in self.done]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            self.values[top] = ex.eval_scalar(derived[top], self.values)
            self.done.add(top)

    def truth(self, tree: ex.Tree) -> bool:
        """Whether ``tree`` holds, once what it reads is derived."""
        for n in ex.names(tree):
            self.derive(n)
        return ex.truthy(ex.eval_scalar(tree, self.values))


def _items(instrument: Instrument, checked: dict[str, tuple[str, object]], env: _Env, stage_index: int
           ) -> tuple[dict[str, str], dict[str, object], dict[str, float | None]]:
    """Each item's status, value and points, in order (a show_if reads earlier items)."""
    status: dict[str, str] = {}
    values: dict[str, object] = {}
    points: dict[str, float | None] = {}
    for iid, info in instrument.items.items():
        state, value = checked[iid]
        visible = info.stage <= stage_index and (info.show_if is None or env.truth(info.show_if))
        if not visible:
            status[iid], values[iid], points[iid] = HIDDEN, None, None
            env.values[iid] = None
            continue
        status[iid] = state
        values[iid] = value if state == ANSWERED else None
        env.values[iid] = values[iid]
        points[iid] = item_points(info, value) if state == ANSWERED else None
    return status, values, points


def _flags(instrument: Instrument, status: dict[str, str], env: _Env) -> list[FlagHit]:
    """The items' flags and the rules that are raised, in order."""
    hits: list[FlagHit] = []
    for iid, info in instrument.items.items():
        flag = info.spec.flag  # info.flag is its compiled ``when``
        if info.flag is not None and flag is not None and status[iid] == ANSWERED:
            env.values["value"] = env.values[iid]
            if ex.truthy(ex.eval_scalar(info.flag, env.values)):
                hits.append(FlagHit(iid, flag.severity, flag.message, iid))
    env.values.pop("value", None)
    for rule, tree in instrument.rules:
        if ex.truthy(ex.eval_scalar(tree, env.values)):
            hits.append(FlagHit(rule.id, rule.severity, rule.message))
    return hits


def _score(instrument: Instrument, score: ScoreInfo, status: dict[str, str], points: dict[str, float | None]
           ) -> float | None:
    """One score: null when too few of its shown items gave points (``min_answered``)."""
    shown = [i for i in score.items if status[i] != HIDDEN]
    got = [i for i in shown if points[i] is not None]
    if not shown or len(got) < score.spec.min_answered * len(shown) - 1e-9:
        return None
    got_points: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    weights: list[float] = []
    for i in got:
        info, p = instrument.items[i], points[i]
        if p is not None and info.pmin is not None and info.pmax is not None:  # always: a score's items give points
            got_points.append(p)
            lows.append(info.pmin)
            highs.append(info.pmax)
            weights.append(info.weight)
    return score_values(score.spec.method, got_points, lows, highs, weights)
