"""Writes the malformed-instrument corpus (run: python tests/malformed/generate.py).

Each case is a valid base instrument with one thing broken. The file's first two lines say
what validate must report: `# expect-line: N` and `# expect: words in the message`. N is
found from a marker in the broken text, so it is never typed by hand.
"""

from pathlib import Path

HERE = Path(__file__).parent

BASE = """\
format: 1
id: corpus
version: 1.0.0
languages: [en]
title: Corpus
sources:
  src: A source
scales:
  agree5:
    - {value: 1, label: low}
    - {value: 5, label: high}
sections:
  - id: main
    title: Main
    items:
      - id: q1
        type: yes_no
        text: Q1?
        source: src
      - id: q2
        type: likert
        text: Q2?
        scale: agree5
      - id: q3
        type: number
        text: Q3?
        min: 0
        max: 10
      - id: q4
        type: text
        text: Anything else?
scores:
  - id: total
    label: Total
    items: [q1, q2]
    method: percent
bands:
  - {id: ok, min: 50, label: OK}
  - {id: low, min: 0, label: Low}
"""

Q1 = "      - id: q1\n        type: yes_no\n        text: Q1?\n"


def sub(old, new, count=1):
    assert old in BASE, old
    return BASE.replace(old, new, count)


# name: (text, marker (its first line is the expected line), words in the message)
CASES = {
    # --- syntax
    "syntax-unclosed-flow": (sub("items: [q1, q2]", "items: [q1, q2"), "method: percent", "YAML syntax"),
    "syntax-bad-indent": (sub("        text: Q2?", "       text: Q2?"), "       text: Q2?", "YAML syntax"),
    "syntax-tab-indent": (sub("        text: Q1?", "\ttext: Q1?"), "\ttext: Q1?", "YAML syntax"),
    "duplicate-key": (sub("        text: Q2?\n", "        text: Q2?\n        text: again\n"), "text: again",
                      "duplicate key 'text'"),
    "two-documents": (BASE + "---\nformat: 1\n", "---", "one YAML document"),
    "top-level-list": ("- format: 1\n- id: x\n", "- format: 1", "must be a mapping"),
    "empty-file": ("# nothing here\n", None, "empty"),
    # --- hostile YAML and hostile expressions
    "python-tag": (sub("text: Q1?", 'text: !!python/object/apply:os.system ["touch guidecheck_pwned"]'),
                   "!!python", "tags"),
    "billion-laughs": ("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                       "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" + BASE, "x-a:", "anchors"),
    "alias": (sub("  - {id: low, min: 0, label: Low}", "  - {id: low, min: 0, label: *x}"), "label: *x", "aliases"),
    "deep-nesting": ("x-deep: " + "[" * 40 + "]" * 40 + "\n" + BASE, "x-deep", "nesting deeper"),
    "infinite-number": (sub("max: 10", "max: .inf"), "max: .inf", "finite"),
    "huge-integer": (sub("max: 10", "max: " + "9" * 400), "max: 999", "too long"),
    "expr-import": (sub(Q1, Q1 + "        show_if: \"__import__('os').system('touch guidecheck_pwned')\"\n"),
                    "show_if:", "function calls"),
    "expr-attribute": (sub(Q1, Q1 + "        show_if: \"context.__class__ == 1\"\n"), "show_if:", "attribute"),
    "expr-power-bomb": (BASE + "derived:\n  - {id: big, expr: \"9**9**9\"}\n", "id: big", "'**' is not allowed"),
    "expr-string-bomb": (BASE + "derived:\n  - {id: big, expr: '\"x\" * 1000000000'}\n", "id: big",
                         "needs a number"),
    "expr-subscript": (BASE + "rules:\n  - {id: r, when: \"q2[0] > 1\", severity: minor, message: m}\n",
                       "id: r", "subscripts"),
    "expr-comprehension": (BASE + "rules:\n  - {id: r, when: \"[x for x in q4] == 1\", severity: minor, "
                           "message: m}\n", "id: r", "comprehensions"),
    # --- structure
    "unknown-key-typo": (sub("method: percent", "methd: percent"), "methd", "did you mean 'method'"),
    "key-of-another-type": (sub("        type: yes_no\n", "        type: yes_no\n        reverse: true\n"),
                            "reverse: true", "'reverse' is not a key of a yes_no item"),
    "unknown-item-type": (sub("type: number", "type: slider"), "type: slider", "unknown item type 'slider'"),
    "missing-text": (sub("        text: Q3?\n", ""), "- id: q3", "missing required key 'text'"),
    "bad-item-id": (sub("- id: q2", "- id: Q 2"), "- id: Q 2", "does not have the required form"),
    "format-2": (sub("format: 1", "format: 2"), "format: 2", "format"),
    "quoted-number": (sub("min: 0", 'min: "0"'), 'min: "0"', "expected a whole number or a number"),
    "unknown-severity": (BASE + "rules:\n  - {id: r, when: \"q2 > 1\", severity: fatal, message: m}\n",
                         "id: r", "severity"),
    "unknown-method": (sub("method: percent", "method: median"), "method: median", "method"),
    "unknown-audience": (sub("languages: [en]", "languages: [en]\naudiences: [patients]"), "audiences",
                         "audiences[0]"),
    # --- references
    "unknown-scale": (sub("scale: agree5", "scale: agree7"), "scale: agree7", "scale 'agree7' is not defined"),
    "score-missing-item": (sub("items: [q1, q2]", "items: [q1, q9]"), "items: [q1, q9]",
                           "item 'q9' does not exist"),
    "score-unscored-item": (sub("items: [q1, q2]", "items: [q1, q3]"), "items: [q1, q3]",
                            "gives no points"),
    "band-missing-score": (sub("scores:\n  - id: total", "scores:\n  - id: sum"), "{id: ok", "'total'"),
    "unknown-source": (sub("source: src", "source: other"), "source: other", "not a key of sources"),
    "duplicate-item-id": (sub("- id: q3", "- id: q2"), ("- id: q2", 1), "used twice"),
    "show-if-later-item": (sub(Q1, Q1 + "        show_if: \"q2 > 3\"\n"), "show_if:", "come before"),
    "derived-cycle": (BASE + "derived:\n  - {id: a, expr: \"b + 1\"}\n  - {id: b, expr: \"a + 1\"}\n",
                      "{id: a, expr", "cycle"),
    "unknown-name": (BASE + "rules:\n  - {id: r, when: \"q7 > 1\", severity: minor, message: m}\n",
                     "id: r", "unknown name 'q7'"),
    "impossible-option": (BASE + "rules:\n  - {id: r, when: 'q1 == \"maybe\"', severity: minor, message: m}\n",
                          "id: r", "can never be a value of item q1"),
    "when-not-boolean": (BASE + "rules:\n  - {id: r, when: \"q2 + 1\", severity: minor, message: m}\n",
                         "id: r", "must be true or false"),
    # --- languages
    "missing-language": (sub("languages: [en]", "languages: [en, nl]").replace("title: Corpus",
                         "title: {en: Corpus}"), "title: {en", "no 'nl' text"),
    "plain-text-two-languages": (sub("languages: [en]", "languages: [en, nl]"), "title: Corpus",
                                 "must be given in each language"),
    # --- ranges and rules of the format
    "min-above-max": (sub("min: 0", "min: 20"), "min: 20", "greater than max"),
    "bands-not-descending": (sub("{id: low, min: 0", "{id: low, min: 60"), "{id: low", "highest min first"),
    "likert-scale-and-options": (sub("        scale: agree5\n", "        scale: agree5\n        options:\n"
                                     "          - {value: 1, label: a}\n          - {value: 2, label: b}\n"),
                                 "- id: q2", "not both"),
    "yes-no-points-key": (sub("        source: src\n", "        source: src\n        points: {yes: 1, maybe: 0}\n"),
                          "points:", "unknown key 'maybe'"),
    "min-answered-above-one": (sub("method: percent", "method: percent\n    min_answered: 1.5"), "min_answered",
                               "min_answered"),
    "example-mismatch": (BASE + "examples:\n  - name: all good\n    answers: {q1: \"yes\", q2: 5}\n"
                         "    expect: {scores: {total: 99}, verdict: ok}\n", "scores: {total: 99}",
                         "score total is 100, expected 99"),
    "flow-comma-in-text": (sub("languages: [en]", "languages: [en, nl]").replace(
        "title: Corpus", "title: {en: Corpus, nl: Corpus, een test}"), "title: {en", "is not a language code"),
    "example-like-unknown": (BASE + "examples:\n  - name: second\n    like: first\n"
                             "    expect: {verdict: incomplete}\n", "like: first", "names no earlier example"),
    "example-bad-answer": (BASE + "examples:\n  - name: bad\n    answers: {q1: \"perhaps\"}\n"
                           "    expect: {verdict: incomplete}\n", "answers:", "expected yes, no or unsure"),
    # --- revision 2
    "cap-unknown-band": (BASE + "caps:\n  major: middle\n", "major: middle", "band 'middle', which is not a band"),
    "cap-critical": (BASE + "caps:\n  critical: low\n", "critical: low", "critical cannot be capped"),
    "cap-unknown-severity": (BASE + "caps:\n  fatal: low\n", "fatal: low", "not a severity that caps can take"),
    "unknown-stage": (sub(Q1, Q1 + "        stage: after_booking\n"), "stage: after_booking", "after_intake"),
    "weight-zero": (sub(Q1, Q1 + "        weight: 0\n"), "weight: 0", "greater than 0"),
    "weight-negative": (sub(Q1, Q1 + "        weight: -2.5\n"), "weight: -2.5", "greater than 0"),
    "weight-text": (sub(Q1, Q1 + "        weight: heavy\n"), "weight: heavy", "weight"),
    "stage-as-item-id": (sub("- id: q2", "- id: stage"), "- id: stage", "reserved name"),
    "example-unknown-stage": (BASE + "examples:\n  - name: e\n    stage: later\n    expect: {verdict: incomplete}\n",
                              "stage: later", "after_session"),
}


# --- files inside every cap, built to make validation slow or large (tests/test_limits_corpus.py,
# timed in bench/validate.py). Header: `# expect: valid`, or expect-line / expect as above.
LIMITS = HERE / "limits"
HEAD = "format: 1\nid: adversary\nversion: 1.0.0\nlanguages: [en]\ntitle: Adversary\nsections:\n"


def _items(n: int, extra=lambda k: "") -> list[str]:
    out = []
    for k in range(n):
        if k % 500 == 0:  # at most 500 items a section
            out.append(f"  - id: s{k}\n    title: S\n    items:\n")
        out.append(f"      - {{id: q{k}, type: yes_no, text: Q{extra(k)}}}\n")
    return out


def limits() -> dict[str, tuple[str, str | None, str]]:
    """name -> (text, marker of the expected line or None, expected words or 'valid')."""
    cases = {}
    # 2,500 items with show_if, 3,500 derived values: the show_if pass rebuilt the visible names,
    # with a set of the earlier items per derived value, for every item (308 s in the CLI)
    body = _items(2500, lambda k: f", show_if: 'd{k - 1} or q{k - 1} == \"yes\"'" if k else "")
    body.append("derived:\n")
    body += [f"  - {{id: d{j}, expr: 'q{j % 2500} == \"yes\"'}}\n" for j in range(3500)]
    cases["show-if-derived"] = (HEAD + "".join(body), None, "valid")
    # 3,000 derived values, each reading the one before: each held the set of every item it rests
    # on (264 MB per upload); scoring them recursed past Python's limit
    body = _items(2999) + ["      - {id: q2999, type: yes_no, text: Q, show_if: d2998}\n", "derived:\n"]
    body += [f"  - {{id: d{j}, expr: '{f'd{j - 1} or ' if j else ''}q{j} == \"yes\"'}}\n" for j in range(3000)]
    body.append("examples:\n  - name: last\n    answers: {q2998: 'yes', q2999: 'yes'}\n    expect: {}\n")
    cases["derived-chain"] = (HEAD + "".join(body), None, "valid")
    # 2,800 worked examples, each scoring all 2,500 items (23 s): refused past a work budget
    body = _items(2500) + ["examples:\n  - name: e0\n    answers: {"
                           + ", ".join(f"q{k}: 'yes'" for k in range(2500)) + "}\n    expect: {}\n"]
    body += [f"  - {{name: e{j}, like: e0, expect: {{}}}}\n" for j in range(1, 2800)]
    cases["examples-over-budget"] = (HEAD + "".join(body), "{name: e60,", "more than validate checks")
    # 3,300 flags naming an unknown name: each message listed every name known there
    body = _items(3300, lambda k: f", flag: {{when: 'zz{k} == 1', severity: minor, message: m}}")
    cases["unknown-names"] = (HEAD + "".join(body), "id: q0,", "unknown name 'zz0'")
    # one score over 6,000 items: a repeated item was looked for in a list
    body = _items(6000) + ["scores:\n  - {id: all, label: All, method: sum, items: ["
                           + ", ".join(f"q{k}" for k in range(6000)) + "]}\n"]
    cases["long-score"] = (HEAD + "".join(body), None, "valid")
    return cases


def write_limits() -> None:
    LIMITS.mkdir(exist_ok=True)
    for old in LIMITS.glob("*.yaml"):
        old.unlink()
    for name, (text, marker, words) in limits().items():
        line = next(i for i, ln in enumerate(text.split("\n")) if marker in ln) + 3 if marker else 1
        header = f"# expect-line: {line}\n# expect: {words}\n" if marker else f"# expect: {words}\n"
        (LIMITS / f"{name}.yaml").write_text(header + text)


def main():
    for old in HERE.glob("*.yaml"):
        old.unlink()
    for name, (text, marker, words) in CASES.items():
        header = "# expect-line: {line}\n# expect: " + words + "\n"
        body_lines = text.splitlines()
        if marker is None:
            line = 1
        else:
            marker, nth = marker if isinstance(marker, tuple) else (marker, 0)
            hits = [i for i, ln in enumerate(text.split("\n")) if marker in ln]
            assert len(hits) > nth, (name, marker)
            line = hits[nth] + 1 + 2  # two header lines
        if name == "empty-file":
            (HERE / f"{name}.yaml").write_text(text)  # the header would be all there is
            continue
        (HERE / f"{name}.yaml").write_text(header.format(line=line) + "\n".join(body_lines) + "\n")
    (HERE / "invalid-utf8.yaml").write_bytes(b"# expect-line: 4\n# expect: not valid UTF-8\n"
                                             b"format: 1\ntitle: caf\xe9\n")
    write_limits()
    print(f"{len(CASES) + 1} cases and {len(limits())} files at the limits written")


if __name__ == "__main__":
    main()
