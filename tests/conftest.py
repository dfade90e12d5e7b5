"""Shared helpers: build small instruments in memory and write them where a test wants them."""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"


def base_spec(**overrides) -> dict:
    """A small valid one-language instrument; tests change what they need."""
    spec = {
        "format": 1,
        "id": "tiny",
        "version": "1.0.0",
        "languages": ["en"],
        "title": "Tiny",
        "sources": {"src": "A source"},
        "scales": {"agree5": [{"value": v, "label": f"point {v}"} for v in range(1, 6)]},
        "sections": [{
            "id": "main",
            "title": "Main",
            "items": [
                {"id": "q1", "type": "yes_no", "text": "Q1?", "source": "src s1",
                 "flag": {"when": 'value == "no"', "severity": "critical", "message": "No Q1"}},
                {"id": "q2", "type": "likert", "text": "Q2?", "scale": "agree5"},
                {"id": "q3", "type": "likert", "text": "Q3?", "scale": "agree5", "reverse": True},
            ],
        }],
        "scores": [{"id": "total", "label": "Total", "items": ["q1", "q2", "q3"], "method": "percent"}],
        "bands": [{"id": "good", "min": 70, "label": "Good"}, {"id": "poor", "min": 0, "label": "Poor"}],
    }
    spec.update(copy.deepcopy(overrides))
    return spec


def dump(spec: dict) -> str:
    return yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)


@pytest.fixture
def write(tmp_path):
    """write(spec_or_text, name='inst.yaml') -> Path"""

    def _write(content, name: str = "inst.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, dict):
            path.write_text(dump(content), encoding="utf-8")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(write):
    """load(spec) -> Instrument (fails the test with the problems if it does not load)."""
    from scoring import load_instrument

    def _load(spec):
        return load_instrument(write(spec))

    return _load


@pytest.fixture
def problems(write):
    """problems(spec_or_text) -> list of 'PATH:LINE: message' strings."""
    from scoring import validate_file

    def _problems(content):
        path = write(content)
        _, found = validate_file(path)
        return [str(p) for p in found]

    return _problems
