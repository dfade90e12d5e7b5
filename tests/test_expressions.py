"""The expression language: what is refused, null semantics, static types, both evaluators."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import expressions as ex
from scoring.i18n import Message, render


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


# --------------------------------------------------------------------------- typed nodes (issue 13)


def test_parse_gives_typed_frozen_nodes():
    tree = ex.parse('not (a and b) or "x" in m or s not in ["yes", "no"] or -n * 2 > 1')
    first = ex.Or(ex.Not(ex.And(ex.Name("a"), ex.Name("b"))), ex.InSet(ex.Lit("x"), ex.Name("m")))
    assert tree == ex.Or(ex.Or(first, ex.Not(ex.InList(ex.Name("s"), ("yes", "no")))),
                         ex.Cmp(">", ex.Arith("*", ex.Neg(ex.Name("n")), ex.Lit(2.0)), ex.Lit(1.0)))
    assert ex.parse("-2") == ex.Lit(-2.0) and ex.parse("+x") == ex.Name("x")
    with pytest.raises(AttributeError):
        tree.left = ex.Lit(True)  # frozen
    assert hash(ex.parse("a and b")) == hash(ex.parse("a  and  b"))


def test_names_ignore_strings_in_an_in_list():
    """A bug of the tuple trees: the strings of an 'in' list were walked as a tree, so that
    ["name", "b"] read as the name b."""
    assert ex.names(ex.parse('a in ["name", "b"]')) == {"a"}
    assert ex.names(ex.parse('"name" in m and not (x > y) or -z == 1')) == {"m", "x", "y", "z"}


def test_a_huge_integer_literal_is_refused_with_a_message():
    """float() of a 400-digit literal raised OverflowError out of parse (not an ExprError)."""
    with pytest.raises(ex.ExprError, match="is too large"):
        ex.parse("1" * 400 + " > n")


@pytest.mark.parametrize("source, env, dutch", [
    ("a.b", {}, "'attributen opvragen' is niet toegestaan in expressies"),
    ("7 % 2", {}, "'%' is niet toegestaan in expressies"),
    ("a in []", {}, "een 'in'-lijst mag niet leeg zijn"),
    ("zz > 1", {"n": ex.NameType(ex.NUM)}, "onbekende naam 'zz' (hier bekend: n)"),
    ("zz > 1", {}, "onbekende naam 'zz' (hier bekend: geen)"),
    ('n + "x"', {"n": ex.NameType(ex.NUM)}, "'+' heeft een getal nodig, maar krijgt een tekst"),
    ("s == 1", {"s": ex.NameType(ex.STR, ("yes", "no"), "item s")}, "'==' vergelijkt een tekst met een getal"),
    ('s == "maybe"', {"s": ex.NameType(ex.STR, ("yes", "no"), "item s")},
     "'maybe' kan nooit een waarde van item s zijn (mogelijke waarden: yes, no)"),
    ("m == 1", {"m": ex.NameType(ex.SET, ("a",), "item m")}, "'m' is een multi-vraag"),
    ('"c" in m', {"m": ex.NameType(ex.SET, ("a",), "item m")}, "'c' is geen optie van m (opties: a)"),
    ("1 in true", {}, "onbekende naam 'true'"),
])
def test_checker_messages_are_keyed_and_render_in_dutch(source, env, dutch):
    with pytest.raises(ex.ExprError) as err:
        ex.check_types(ex.parse(source), env)
    message = err.value.message
    assert isinstance(message, Message) and str(err.value) == message
    assert dutch in render(message, "nl"), render(message, "nl")


def test_english_messages_are_unchanged():
    env = {"s": ex.NameType(ex.STR, ("yes", "no"), "item s"), "m": ex.NameType(ex.SET, ("a", "b"), "item m"),
           "b": ex.NameType(ex.BOOL, None, "derived b")}
    for source, english in [
        ("not s", "'not' needs a true/false, got a text (item s)"),
        ('s in [1]', "'in' compares a text with 1.0"),
        ("1 in m", None), ('"a" in s', "'in s': s is not a multi item; use 'in [..]' for a list"),
        ("s in m", 'write the option to look for in m as a literal, e.g. "x" in m'),
        ("m", "'m' is a multi item: use it as '\"option\" in m'"),
    ]:
        with pytest.raises(ex.ExprError) as err:
            ex.check_types(ex.parse(source), env)
        assert english is None or str(err.value) == english, str(err.value)


# Random well-typed expressions over numbers (x, y), a yes/no text (s), a true/false value (b) and a
# multi answer (m), each null in some rows: one response at a time and whole columns must agree.
NUMS = st.recursive(
    st.sampled_from(["x", "y", "0", "1", "2.5", "-3", "null"]),
    lambda inner: st.one_of(st.builds("(-{})".format, inner),
                            st.builds("({} {} {})".format, inner, st.sampled_from(["+", "-", "*", "/"]), inner)),
    max_leaves=6)
TEXTS = st.sampled_from(["s", '"yes"', '"no"'])
BOOLS = st.recursive(
    st.one_of(st.sampled_from(["b", "true", "false", "null", '"a" in m', '"b" in m']),
              st.builds("({} {} {})".format, NUMS, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), NUMS),
              st.builds("({} {} {})".format, TEXTS, st.sampled_from(["==", "!="]), TEXTS),
              st.builds("({} {} [1, 2])".format, NUMS, st.sampled_from(["in", "not in"])),
              st.builds('({} in ["yes"])'.format, TEXTS)),
    lambda inner: st.one_of(st.builds("(not {})".format, inner),
                            st.builds("({} {} {})".format, inner, st.sampled_from(["and", "or"]), inner)),
    max_leaves=6)
ROWS = st.lists(st.fixed_dictionaries({
    "x": st.sampled_from([None, 0.0, 1.0, 2.0, -1.5]), "y": st.sampled_from([None, 0.0, 1.0, 3.0]),
    "s": st.sampled_from([None, "yes", "no"]), "b": st.sampled_from([None, True, False]),
    "m": st.sampled_from([None, frozenset(), frozenset({"a"}), frozenset({"a", "b"})])}), min_size=1, max_size=6)
TYPES_ENV = {"x": ex.NameType(ex.NUM), "y": ex.NameType(ex.NUM), "s": ex.NameType(ex.STR, ("yes", "no"), "item s"),
             "b": ex.NameType(ex.BOOL), "m": ex.NameType(ex.SET, ("a", "b"), "item m")}


def _columns(rows):
    def num(v):
        return np.array([np.nan if r[v] is None else float(r[v]) for r in rows])
    return {"x": num("x"), "y": num("y"), "b": num("b"), "s": np.array([r["s"] for r in rows], dtype=object),
            "m": {o: np.array([np.nan if r["m"] is None else float(o in r["m"]) for r in rows]) for o in "ab"}}


@settings(max_examples=200, deadline=None)
@given(st.one_of(BOOLS, NUMS), ROWS)
def test_scalar_and_vector_evaluation_agree(source, rows):
    tree = ex.parse(source)
    kind = ex.check_types(tree, TYPES_ENV).type
    column = ex.eval_vector(tree, _columns(rows), len(rows))
    for row, got in zip(rows, column, strict=True):
        want = ex.eval_scalar(tree, row)
        if want is None:
            assert got is None or np.isnan(got), (source, row, got)
        elif isinstance(want, bool):
            assert got == float(want), (source, row, got)
        else:
            assert got == want or (np.isnan(got) and np.isnan(want)), (source, row, want, got)
    if kind == ex.BOOL:
        assert ex.truthy_vector(column).tolist() == [ex.truthy(ex.eval_scalar(tree, row)) for row in rows]
