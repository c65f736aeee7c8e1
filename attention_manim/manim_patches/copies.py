"""Copies and families for less: glyphs forget their parsed path, copies skip what cannot change,
families are walked once, digits keep no element groups (see the package's docstring)."""

from __future__ import annotations

import copy
import enum
from typing import Any

import numpy as np
from manim import DecimalNumber, ManimColor, Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath
from manim.mobject.text import numbers

# Types copy.deepcopy returns as they are (its _deepcopy_atomic); each Enum type met joins them.
_KEPT_AS_THEY_ARE = frozenset({type(None), int, float, bool, complex, str, bytes})
# manim's own functions, as imported (nothing patches manim before this module does).
_MANIM_GENERATE_POINTS = VMobjectFromSVGPath.generate_points
_MANIM_DEEPCOPY = Mobject.__deepcopy__
_MANIM_GET_FAMILY = Mobject.get_family
_MANIM_STRING_TO_MOB = DecimalNumber._string_to_mob


def _generate_points_then_forget_path(self: VMobjectFromSVGPath) -> VMobjectFromSVGPath:
    """manim's ``generate_points``, then ``path_obj`` dropped."""
    _MANIM_GENERATE_POINTS(self)
    self.path_obj = None  # read only by generate_points, which manim calls once, at init
    return self


def _deepcopy_mobject(self: Mobject, memo: dict[int, Any]) -> Mobject:
    """``Mobject.__deepcopy__`` of manim 0.21 without a deepcopy call per plain attribute."""
    result = self.__class__.__new__(self.__class__)
    memo[id(self)] = result
    result.__dict__.update({key: value if type(value) in _KEPT_AS_THEY_ARE else _copied(value, memo)
                            for key, value in self.__dict__.items()})
    result.original_id = str(id(self))
    return result


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value, memo)``, the common kinds of a mobject's attributes made directly."""
    kind = type(value)
    if kind in _KEPT_AS_THEY_ARE:
        return value
    if isinstance(value, enum.Enum):
        return value
    if kind is np.ndarray and value.dtype != object or kind is ManimColor:
        copied = memo.get(id(value))
        if copied is None:  # the original is alive (self holds it): its id stays its own
            if kind is np.ndarray:
                copied = value.copy(order="K")
            else:  # a colour is one small array
                copied = object.__new__(ManimColor)
                copied.__dict__.update({k: _copied(v, memo) for k, v in value.__dict__.items()})
            memo[id(value)] = copied
        return copied
    return copy.deepcopy(value, memo)


def _get_family(self: Mobject, recurse: bool = True) -> list[Mobject]:
    """``Mobject.get_family``: self and every submobject, depth first, each once (its last
    place kept), from one walk of the tree instead of one list per level."""
    members: list[Mobject] = []

    def walk(mobject: Mobject) -> None:
        if type(mobject).get_family is not _get_family:  # a subclass with its own family
            members.extend(mobject.get_family())
            return
        members.append(mobject)
        for sub in mobject.submobjects:
            walk(sub)

    walk(self)
    if len(set(map(id, members))) == len(members):
        return members
    seen: set[int] = set()
    last_first = [m for m in reversed(members) if not (id(m) in seen or seen.add(id(m)))]
    return last_first[::-1]


def _digit_without_groups(self: DecimalNumber, string: str, mob_class: Any = None, **kwargs: Any) -> Any:
    """manim 0.21's ``DecimalNumber._string_to_mob``, the glyph it keeps for each character
    (``numbers.string_to_mob_map``, one per process) made without its SVG's element groups:
    every digit of every number is a copy of it, and copying the groups was most of a copy
    (a number is never split or coloured by them)."""
    if mob_class is None:
        mob_class = self.mob_class
    if string not in numbers.string_to_mob_map:
        made = mob_class(string, **kwargs)
        made.id_to_vgroup_dict = {}
        numbers.string_to_mob_map[string] = made
    mob = numbers.string_to_mob_map[string].copy()
    mob.font_size = self._font_size
    return mob
