"""The registry: one plugin per type of the format, and what each tells the questionnaire page."""

from scoring import model
from scoring.items import PLUGINS, plugin
from scoring.items.base import Widget

from .engines import instrument


def test_every_type_of_the_format_has_its_plugin_and_no_other():
    assert set(PLUGINS) == set(model.ITEM_TYPES)
    for name, kind in PLUGINS.items():
        assert kind.name == name and kind.spec is model.ITEM_TYPES[name]


def test_only_text_is_free_text_and_only_likert_takes_its_points_from_a_scale():
    assert [n for n, p in PLUGINS.items() if p.free_text] == ["text"]
    assert [n for n, p in PLUGINS.items() if p.points_from_scale] == ["likert"]


def widget(item: dict, scales: dict | None = None) -> Widget:
    inst = instrument(item, scales)
    spec = inst.items["q"].spec
    return plugin(spec).widget(spec, inst.spec.scales)


def test_widgets_as_the_page_asked_them_before():
    yes_no = widget({"type": "yes_no"})
    assert (yes_no.kind, yes_no.horizontal, yes_no.unsure) == ("radio", True, True)
    assert [(c.value, c.message) for c in yes_no.choices] == [("yes", "answer.yes"), ("no", "answer.no")]
    choice = widget({"type": "choice", "options": [{"value": "a", "label": "A"},
                                                   {"value": "dk", "label": "?", "unsure": True}]})
    assert (choice.kind, choice.horizontal, choice.unsure) == ("radio", False, False)  # its own unsure option
    likert = widget({"type": "likert", "scale": "s"}, {"s": [{"value": 1, "label": "no"}, {"value": 2, "label": "ja"}]})
    assert (likert.kind, likert.horizontal) == ("radio", True) and all(c.with_value for c in likert.choices)
    multi = widget({"type": "multi", "options": [{"value": "a", "label": "A"}], "allow_unsure": False})
    assert (multi.kind, multi.unsure, [c.value for c in multi.choices]) == ("multiselect", False, ["a"])
    number = widget({"type": "number", "min": 1, "max": 9, "integer": True})
    assert (number.kind, number.minimum, number.maximum, number.integer, number.unsure) == ("number", 1, 9, True, True)
    text = widget({"type": "text", "max_length": 40})
    assert (text.kind, text.max_chars, text.unsure) == ("text", 40, False)
