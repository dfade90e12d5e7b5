"""The expression language: what is refused, null semantics, static types, both evaluators."""

import itertools

import numpy as np
import pytest

from scoring import expressions as ex


@pytest.mark.parametrize("source, words", [
    ("a.b", "attribute access"),
    ("f(1)", "function calls"),
    ("__import__('os').system('touch guidecheck_pwned')", "function calls"),
    ("a[0]", "subscripts"),
    ("[x for x in a]", "comprehensions"),
    ("__class__", "not allowed"),
    ("9**9**9", "**"),
    ("7 // 2", "//"),
    ("7 % 2", "%"),
    ("a if b else c", "if/else"),
    ("lambda: 1", "lambda"),
    ("(a := 1)", "':='"),
    ("a is None", "is / is not"),
    ("f'{a}'", "f-strings"),
    ("1 < a < 3", "chained comparison"),
    ("True", "lower case"),
    ("None", "lower case"),
    ("a in []", "must not be empty"),
    ("a in [b]", "only numbers and strings"),
    ("a in [1, null]", "null cannot be"),
    ("1 +", "syntax error"),
    ("x" * 1001, "limit is"),
    ("", "non-empty"),
    ("(" * 300 + "1" + ")" * 300, ""),
    ("not " * 200 + "a", "nested"),
    ("a & b", "bitwise"),
])
def test_refused(source, words):
    with pytest.raises(ex.ExprError) as err:
        ex.parse(source)
    assert words in str(err.value)


def test_hostile_input_executes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for src in ["__import__('os').system('touch guidecheck_pwned')", '"x" * 10**9', "9**9**9",
                "(" * 5000 + ")" * 5000, "[" * 5000, "-" * 999 + "1"]:
        try:
            tree = ex.parse(src)
            ex.check_types(tree, {})
        except ex.ExprError:
            pass
    assert not (tmp_path / "guidecheck_pwned").exists()


def test_string_repetition_is_a_type_error():
    tree = ex.parse('"x" * 1000000000')
    with pytest.raises(ex.ExprError, match="needs a number"):
        ex.check_types(tree, {})


ENV_T = {
    "n": ex.NameType(ex.NUM), "s": ex.NameType(ex.STR, ("yes", "no"), "item s"),
    "m": ex.NameType(ex.SET, ("a", "b"), "item m"), "b": ex.NameType(ex.BOOL),
    "context": ex.NameType(ex.STR, ("clinical", "harm_reduction", "unknown"), "context"),
}


@pytest.mark.parametrize("source, words", [
    ("n + s", "needs a number"),
    ("s < 3", "needs a number"),
    ('n == "yes"', "compares a number with a text"),
    ('s == "maybe"', "can never be a value of item s"),
    ('context == "clinic"', "can never be a value of context"),
    ('"c" in m', "not an option of m"),
    ('"a" in s', "not a multi item"),
    ("m == 1", "multi item"),
    ("nope > 1", "unknown name 'nope'"),
    ("n and b", "needs a true/false"),
    ("not n", "needs a true/false"),
    ('s in ["yes", 1]', "compares a text with 1"),
])
def test_static_type_errors(source, words):
    with pytest.raises(ex.ExprError) as err:
        ex.check_types(ex.parse(source), ENV_T)
    assert words in str(err.value)


@pytest.mark.parametrize("source, kind", [
    ("n / 2 > 1", ex.BOOL), ('"a" in m and not (s == "no")', ex.BOOL), ("n * 2 - 1", ex.NUM),
    ('s in ["yes", "no"]', ex.BOOL), ("n == null", ex.BOOL), ("-n", ex.NUM),
])
def test_static_types_accepted(source, kind):
    assert ex.check_types(ex.parse(source), ENV_T).type == kind


T, F, N = True, False, None
VALUES = [T, F, N]


def _vec(v):
    return np.array([np.nan if v is None else float(v)])


@pytest.mark.parametrize("a, b", list(itertools.product(VALUES, VALUES)))
def test_three_valued_logic(a, b):
    env = {"a": a, "b": b}
    sql_and = F if F in (a, b) else (N if N in (a, b) else T)
    sql_or = T if T in (a, b) else (N if N in (a, b) else F)
    assert ex.eval_scalar(ex.parse("a and b"), env) is sql_and
    assert ex.eval_scalar(ex.parse("a or b"), env) is sql_or
    assert ex.eval_scalar(ex.parse("not a"), env) is (None if a is None else not a)
    venv = {"a": _vec(a), "b": _vec(b)}
    for src, want in [("a and b", sql_and), ("a or b", sql_or), ("not a", None if a is None else not a)]:
        got = ex.eval_vector(ex.parse(src), venv, 1)[0]
        assert (np.isnan(got) and want is None) or got == want


@pytest.mark.parametrize("source, env, want", [
    ("n + 1", {"n": None}, None), ("n / 0", {"n": 3.0}, None), ("n > 1", {"n": None}, None),
    ("n == null", {"n": None}, None), ('s == "yes"', {"s": None}, None), ('s in ["yes"]', {"s": None}, None),
    ('"a" in m', {"m": None}, None), ('"a" in m', {"m": frozenset({"a"})}, True),
    ("n / 4", {"n": 2.0}, 0.5), ("-n * 2", {"n": 2.0}, -4.0), ('s != "yes"', {"s": "no"}, True),
])
def test_null_semantics_scalar_and_vector(source, env, want):
    tree = ex.parse(source)
    assert ex.eval_scalar(tree, env) == want
    venv = {}
    for k, v in env.items():
        if k == "m":
            venv[k] = {"a": np.array([np.nan if v is None else float("a" in v)])}
        elif k == "s":
            venv[k] = np.array([v], dtype=object)
        else:
            venv[k] = _vec(v)
    got = ex.eval_vector(tree, venv, 1)[0]
    if want is None:
        assert got is None or np.isnan(got)
    else:
        assert got == want


def test_truthy_null_is_false():
    assert ex.truthy(None) is False and ex.truthy(True) is True
    assert list(ex.truthy_vector(np.array([1.0, 0.0, np.nan]))) == [True, False, False]
