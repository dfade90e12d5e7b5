"""datasette-style: the format's documentation and the models must not drift apart."""

import re
import typing

from scoring import model
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "instrument-format.md").read_text()


def models():
    seen, stack = [], [model.InstrumentSpec]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for f in cls.model_fields.values():
            args, todo = [], [f.annotation]
            while todo:
                a = todo.pop()
                if isinstance(a, type) and issubclass(a, model.Strict):
                    args.append(a)
                todo.extend(typing.get_args(a))
            stack.extend(args)
        if cls is model.Section:
            stack.extend(model.ITEM_TYPES.values())
    return seen


def test_every_accepted_key_is_documented():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC, flags=re.M))
    missing = {f"{cls.__name__}.{name}" for cls in models() for name in cls.model_fields
               if name not in documented and name != "type"}
    assert not missing, f"keys the loader accepts but docs/instrument-format.md does not describe: {missing}"


def test_every_documented_key_exists():
    accepted = {name for cls in models() for name in cls.model_fields}
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC, flags=re.M))
    item_types = set(model.ITEM_TYPES)
    stale = documented - accepted - item_types
    assert not stale, f"documented keys the loader does not accept: {stale}"


def test_item_types_and_enums_are_documented():
    for name in model.ITEM_TYPES:
        assert f"| `{name}` |" in DOC
    for word in ["critical", "major", "minor", "mean", "sum", "percent", "clinical", "harm_reduction",
                 "vetting", "self_audit", "research"]:
        assert f"`{word}`" in DOC


def test_readme_example_instrument_is_valid(tmp_path):
    from scoring import validate_file

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", readme, flags=re.S).group(1)
    path = tmp_path / "readme-example.yaml"
    path.write_text(block)
    inst, found = validate_file(path)
    assert not found, found
    assert inst.spec.examples


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```\n(.+?)\n```", readme)
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in ci.splitlines()
    assert any("streamlit run app.py" in c for c in commands)
