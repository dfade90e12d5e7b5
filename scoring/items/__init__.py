"""Item types as plugins: the registry (as pre-commit's ``languages/all.py`` lists its languages).

Each type is one module of this package implementing ``base.ItemType``; callers look a type up
here (``plugin(item)``) and never branch on ``item.type``.

A new type needs: its module here (a subclass of ``ItemType``) and a line below; its pydantic
spec class in ``scoring/model.py`` (added to ``AnyItem`` and ``ITEM_TYPES``: the instrument
format's discriminated union and JSON schema are built there, and a spec class living here would
make ``model`` import this package, which imports ``model``); and, the format being a contract,
the type described in the format document and ``questionnaires/schema.json`` regenerated.
"""

from __future__ import annotations

from typing import Any, cast

from .. import model
from . import choice, likert, multi, number, text, yes_no
from .base import ItemType

PLUGINS: dict[str, ItemType[Any]] = {
    p.name: p for p in (yes_no.PLUGIN, choice.PLUGIN, multi.PLUGIN, likert.PLUGIN, number.PLUGIN, text.PLUGIN)
}


def register(plugin: ItemType[Any]) -> None:
    """Add (or replace) a type."""
    PLUGINS[plugin.name] = plugin


def plugin(item: model.ItemBase) -> ItemType[Any]:
    """The type of ``item``."""
    return PLUGINS[cast(Any, item).type]  # every concrete spec class declares its ``type``


__all__ = ["PLUGINS", "ItemType", "plugin", "register"]
