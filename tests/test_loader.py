"""Loader rules beyond the corpus: x- keys, languages, choice points, ids across files, API."""

import pytest

from scoring import InstrumentError, load_instrument, validate_paths
from tests.conftest import QUESTIONNAIRES, base_spec


def test_x_keys_ignored_everywhere(load):
    spec = base_spec(**{"x-owner": {"team": "us"}})
    spec["sections"][0]["x-note"] = "mine"
    spec["sections"][0]["items"][0]["x-review"] = [1, 2]
    inst = load(spec)
    assert inst.id == "tiny"
    # and they do not change the content hash
    assert inst.content_hash == load(base_spec()).content_hash


def test_content_hash_changes_with_content(load):
    changed = base_spec()
    changed["sections"][0]["items"][1]["reverse"] = True
    assert load(changed).content_hash != load(base_spec()).content_hash


def test_languages_two_and_extra(problems):
    spec = base_spec(languages=["en", "nl"])
    found = problems(spec)
    assert any("title must be given in each language (en, nl)" in p for p in found)
    spec = base_spec(title={"en": "T", "de": "T"})
    found = problems(spec)
    assert any("title has a 'de' text, but 'de' is not in languages (en)" in p for p in found)


def test_choice_points_all_or_none(problems):
    spec = base_spec(sections=[{"id": "s", "title": "S", "items": [
        {"id": "c", "type": "choice", "text": "C?", "options": [
            {"value": "a", "label": "A", "points": 1}, {"value": "b", "label": "B"}]}]}],
        scores=[], bands=[])
    assert any("options b carry no points while others do" in p for p in problems(spec))


def test_mixed_option_value_types(problems):
    spec = base_spec(sections=[{"id": "s", "title": "S", "items": [
        {"id": "c", "type": "choice", "text": "C?", "options": [
            {"value": 1, "label": "A"}, {"value": "b", "label": "B"}]}]}], scores=[], bands=[])
    assert any("all numbers or all strings" in p for p in problems(spec))


def test_reserved_and_clashing_ids(problems):
    spec = base_spec(derived=[{"id": "q1", "expr": "q2 + 1"}])
    assert any("derived id 'q1' is also an item id" in p for p in problems(spec))
    spec = base_spec(scores=[{"id": "verdict", "label": "V", "items": ["q2"], "method": "mean"}], bands=[])
    assert any("'verdict' is a reserved name" in p for p in problems(spec))
    spec = base_spec(rules=[{"id": "q1", "when": "q2 > 1", "severity": "minor", "message": "m"}])
    assert any("rule id 'q1' is already a flag id" in p for p in problems(spec))


def test_show_if_may_use_derived_of_earlier_items(load, problems):
    spec = base_spec(derived=[{"id": "d", "expr": "q2 + 1"}])
    spec["sections"][0]["items"][2]["show_if"] = "d > 3"
    assert load(spec).items["q3"].show_if is not None
    spec["sections"][0]["items"][0]["show_if"] = "d > 3"  # q1 comes before q2
    assert any("come before q1" in p for p in problems(spec))


def test_flag_value_has_the_item_type(problems):
    spec = base_spec()
    spec["sections"][0]["items"][1]["flag"] = {"when": 'value == "yes"', "severity": "major", "message": "m"}
    assert any("compares a number with a text" in p for p in problems(spec))


def test_unique_instrument_ids_across_files(write):
    a = write(base_spec(), "a.yaml")
    write(base_spec(), "b.yaml")
    loaded, found = validate_paths([a.parent])
    assert list(loaded) == ["tiny"]
    assert any("instrument id 'tiny' is also used by" in str(p) for p in found)


def test_missing_path_and_empty_folder(tmp_path):
    _, found = validate_paths([tmp_path / "nope.yaml", tmp_path])
    assert [p.message for p in found] == ["no such file or folder", "no .yaml or .yml files in this folder"]


def test_load_instrument_raises_one_error_with_every_problem(write):
    spec = base_spec()
    spec["scores"][0]["items"] = ["q1", "q9"]
    spec["sections"][0]["items"][1]["scale"] = "nope"
    path = write(spec)
    with pytest.raises(InstrumentError) as err:
        load_instrument(path)
    assert len(err.value.problems) == 2
    assert all(line.startswith(f"{path}:") for line in str(err.value).splitlines())


def test_builtin_instruments_are_valid():
    loaded, found = validate_paths([QUESTIONNAIRES])
    assert not found, "\n".join(map(str, found))
    assert loaded and all(i.spec.examples for i in loaded.values())


# --------------------------------------------------------------------------- issue 13: build by passes, typed parts


def _with_text_item(**item):
    spec = base_spec()
    spec["sections"][0]["items"].insert(0, {"id": "t0", "type": "text", "text": "T?"})
    spec["sections"][0]["items"][2].update(item)  # q2
    return spec


def test_a_string_in_an_in_list_is_not_read_as_a_name(load):
    """Before typed nodes, names() walked the strings of an 'in' list as a tree: ["name", "q3"]
    read as the name q3, and this show_if was refused for using a later item."""
    inst = load(_with_text_item(show_if='t0 in ["name", "q3"]'))
    assert inst.items["q2"].show_if is not None


def test_a_huge_number_in_an_expression_is_a_problem_not_a_crash(problems):
    """float() of a 400-digit literal raised OverflowError out of the loader."""
    found = problems(base_spec(derived=[{"id": "big", "expr": "1" * 400 + " + 1"}]))
    assert any("is too large" in p for p in found), found


def test_expression_problems_render_in_dutch(write):
    from scoring import validate_file
    from scoring.i18n import render

    spec = base_spec(derived=[{"id": "d", "expr": "q1 + 1"}],
                     rules=[{"id": "r", "when": "q2 > 3 and q1", "severity": "major", "message": "M"}])
    _, found = validate_file(write(spec))
    english = sorted(str(p.message) for p in found)
    assert english == ["derived 'd': '+' needs a number, got a text (item q1)",
                       "rule 'r': 'and' needs a true/false, got a text (item q1)"], english
    dutch = sorted(render(p.message, "nl") for p in found)
    assert dutch == ["derived-waarde 'd': '+' heeft een getal nodig, maar krijgt een tekst (vraag q1)",
                     "rule 'r': 'and' heeft een waar/onwaar nodig, maar krijgt een tekst (vraag q1)"], dutch


def test_build_returns_typed_frozen_parts(load):
    import dataclasses

    from scoring import expressions as ex
    from scoring.instrument import CompiledRule

    spec = base_spec(derived=[{"id": "low", "expr": "q2 < 3"}],
                     rules=[{"id": "r", "when": 'low and q1 == "no"', "severity": "critical", "message": "M"}])
    inst = load(spec)
    assert inst.derived == {"low": ex.Cmp("<", ex.Name("q2"), ex.Lit(3.0))}
    assert inst.rules == (CompiledRule(inst.spec.rules[0], ex.parse('low and q1 == "no"')),)
    rule, tree = inst.rules[0]  # unpacks as the (rule, tree) pairs it replaced
    assert rule.id == "r" and inst.rules[0].when == tree
    assert inst.flag_ids == ("q1", "r") and inst.severity == {"q1": "critical", "r": "critical"}
    assert [i for i, info in inst.items.items() if info.critical] == ["q1", "q2"]  # q2 through low
    assert inst.scores[0].items == ["q1", "q2", "q3"]
    assert inst.expression_names == {"q1", "q2", "low", "value"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        inst.items["q1"].critical = False  # type: ignore[misc]
