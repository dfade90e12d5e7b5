"""One base for GuideCheck's own exceptions: every exception class defined in scoring/ derives
from scoring.errors.GuideCheckError, and keeps the base it had before."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import scoring
from scoring.errors import GuideCheckError


def _exception_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(scoring.__path__, prefix="scoring."):
        if info.name == "scoring.__main__":
            continue
        module = importlib.import_module(info.name)
        found += [c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, BaseException) and c.__module__ == info.name]
    return found


def test_every_exception_of_the_core_derives_from_guidecheck_error():
    classes = _exception_classes()
    names = {c.__name__ for c in classes}
    assert {"StoreError", "InstrumentError", "AnswerError", "AnswerFileError", "BadAnswer", "ExprError",
            "SchemaError", "YamlRefused", "ResultFileError", "MissingFileError"} <= names, names
    assert [c.__name__ for c in classes if not issubclass(c, GuideCheckError)] == []


def test_the_older_bases_still_catch_them():
    from scoring.answers import AnswerError, AnswerFileError, BadAnswer
    from scoring.loader import InstrumentError
    from scoring.settings import MissingFileError
    from scoring.store import StoreError

    assert all(issubclass(c, ValueError) for c in (AnswerError, AnswerFileError, BadAnswer, InstrumentError))
    assert issubclass(StoreError, RuntimeError) and issubclass(MissingFileError, FileNotFoundError)
