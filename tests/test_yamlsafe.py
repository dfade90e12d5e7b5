"""The YAML reader: YAML 1.2 scalars, refusals that come before any expansion, line numbers."""

import pytest

from scoring.yamlsafe import MAX_BYTES, YamlRefused, parse_yaml, parse_yaml_bytes


def data(text):
    return parse_yaml(text).data


@pytest.mark.parametrize("text, expected", [
    ("a: yes", {"a": "yes"}), ("a: no", {"a": "no"}), ("a: on", {"a": "on"}), ("a: off", {"a": "off"}),
    ("a: true", {"a": True}), ("a: False", {"a": False}), ("a: 010", {"a": 10}), ("a: 0o10", {"a": 8}),
    ("a: 0x1f", {"a": 31}), ("a: 1.5", {"a": 1.5}), ("a: -2", {"a": -2}), ("a: 1e3", {"a": 1000.0}),
    ("a: ~", {"a": None}), ("a: null", {"a": None}), ("a:", {"a": None}), ("a: '1'", {"a": "1"}),
    ('a: "true"', {"a": "true"}), ("a: 1_000", {"a": "1_000"}), ("a: 12:30", {"a": "12:30"}),
    ("{yes: 1, no: 0}", {"yes": 1, "no": 0}),
])
def test_yaml_12_core_scalars(text, expected):
    assert data(text) == expected


@pytest.mark.parametrize("text, line, words", [
    ("a: 1\na: 2\n", 2, "duplicate key 'a'"),
    ("base: &b {x: 1}\nother: *b\n", 1, "anchors"),
    ("a: !!python/object/apply:os.system ['echo hi']\n", 1, "tags"),
    ("a: !custom 1\n", 1, "tags"),
    ("a: .inf\n", 1, "finite"),
    ("a: .nan\n", 1, "finite"),
    ("a: " + "9" * 40 + "\n", 1, "too long"),
    ("a: [1, 2\n", 2, "YAML syntax"),
    ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
    ("", 1, "empty"),
    ("? [a, b]\n: 1\n", 1, "plain value"),
])
def test_refused_with_line(text, line, words):
    with pytest.raises(YamlRefused) as err:
        parse_yaml(text)
    assert words in err.value.message
    assert err.value.line == line


def test_alias_refused_before_expansion():
    # billion laughs: refused at the first anchor, long before anything could be expanded
    lol = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    with pytest.raises(YamlRefused, match="anchors"):
        parse_yaml(lol)


def test_depth_limit():
    deep = "a: " + "[" * 50 + "]" * 50
    with pytest.raises(YamlRefused, match="nesting deeper"):
        parse_yaml(deep)
    assert data("a: " + "[" * 5 + "]" * 5)


def test_size_limit_and_utf8():
    with pytest.raises(YamlRefused, match="limit is"):
        parse_yaml_bytes(b"a: 1\n" + b"#" * MAX_BYTES)
    with pytest.raises(YamlRefused) as err:
        parse_yaml_bytes(b"a: 1\nb: \xff\xfe\n")
    assert err.value.line == 2 and "UTF-8" in err.value.message
    assert parse_yaml_bytes("\ufeffa: é".encode()).data == {"a": "é"}


def test_line_numbers_for_paths():
    doc = parse_yaml("top: 1\nlist:\n  - id: a\n    text: x\n  - id: b\n    deep:\n      k: v\n")
    assert doc.lines[("top",)] == 1
    assert doc.lines[("list", 0)] == 3
    assert doc.lines[("list", 1, "id")] == 5
    assert doc.lines[("list", 1, "deep", "k")] == 7
    assert doc.line_of(("list", 1, "deep", "k", "missing")) == 7


def test_value_count_limit():
    from scoring.yamlsafe import MAX_VALUES

    with pytest.raises(YamlRefused, match="more than 50,000 values"):
        parse_yaml("a: [" + ", ".join(["1"] * (MAX_VALUES + 1)) + "]")
    assert len(data("a: [" + ", ".join(["1"] * 1000) + "]")["a"]) == 1000
