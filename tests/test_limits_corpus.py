"""Files inside every cap, built to make validation slow or large (tests/malformed/limits/, written
by tests/malformed/generate.py; their timings are in bench/validate.py). Each must give its
expected outcome within 100 MB of extra memory, and the work must grow near-linearly with the
file: no timings here, the growth is counted in Python calls."""

import sys
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from scoring import model, score_frame, score_response
from scoring.instrument import build
from scoring.loader import validate_file

LIMITS = Path(__file__).parent / "malformed" / "limits"
FILES = sorted(LIMITS.glob("*.yaml"))
MAX_EXTRA_BYTES = 100 * 1024 * 1024


def expectation(path: Path) -> tuple[int | None, str]:
    head = path.read_text().splitlines()[:2]
    line = next((int(h.split(":")[1]) for h in head if h.startswith("# expect-line:")), None)
    words = next(h.split(":", 1)[1].strip() for h in head if h.startswith("# expect:"))
    return line, words


def test_limits_corpus_is_there():
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_file_at_the_limits(path):
    line, words = expectation(path)
    tracemalloc.start()
    try:
        inst, problems = validate_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_EXTRA_BYTES, f"{peak / 2**20:.0f} MB"
    if words == "valid":
        assert inst is not None and not problems, problems[:3]
    else:
        assert inst is None
        assert any(p.line == line and words in p.message for p in problems), (line, words, problems[:3])
    assert all(len(p.message) < 600 for p in problems), max(len(p.message) for p in problems)


def test_a_chain_of_derived_values_scores_one_by_one_and_as_a_frame():
    inst, problems = validate_file(LIMITS / "derived-chain.yaml")
    assert not problems
    one = score_response(inst, {"q0": "yes", "q2999": "no"})
    assert one.derived["d2999"] is True
    frame = score_frame(inst, pd.DataFrame({"q0": ["yes", "no"], "q2998": ["no", "no"]}))
    assert len(frame) == 2
    assert inst.derived_items["d2999"] == {f"q{k}" for k in range(3000)}


def _spec(n: int) -> model.InstrumentSpec:
    items = [{"id": f"q{k}", "type": "yes_no", "text": "Q",
              **({"show_if": f'd{k - 1} or q{k - 1} == "yes"'} if k else {})} for k in range(n)]
    derived = [{"id": f"d{j}", "expr": f'q{j % n} == "yes"'} for j in range(n + n // 2)]
    return model.InstrumentSpec.model_validate({
        "format": 1, "id": "grow", "version": "1.0.0", "languages": ["en"], "title": "Grow",
        "sections": [{"id": f"s{s}", "title": "S", "items": items[s:s + 500]} for s in range(0, n, 500)],
        "derived": derived})


def _steps(spec) -> int:
    """Lines and calls of Python that build runs (deterministic, unlike a timing)."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        _, problems = build(spec)
    finally:
        sys.settrace(None)
    assert not problems
    return count


def test_build_work_grows_near_linearly_with_items_and_derived_values():
    small, large = _steps(_spec(200)), _steps(_spec(400))
    assert large / small < 2.4, (small, large)  # linear doubles; the old show_if pass gave 2.8


def test_critical_rules_over_a_long_chain_mark_every_item_once():
    spec = _spec(50).model_copy(update={"rules": [
        model.InstrumentSpec.model_validate({
            "format": 1, "id": "x", "version": "1.0.0", "languages": ["en"], "title": "X",
            "sections": [{"id": "s", "title": "S", "items": [{"id": "a", "type": "text", "text": "T"}]}],
            "rules": [{"id": f"r{k}", "when": f"d{k}", "severity": "critical", "message": "m"}]}).rules[0]
        for k in range(3)]})
    inst, problems = build(spec)
    assert not problems
    assert {i for i, info in inst.items.items() if info.critical} == {"q0", "q1", "q2"}
