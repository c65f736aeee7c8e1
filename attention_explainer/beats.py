"""The beats of every step, read from the scenes' source: what ``skip_beats`` may name.

A scene's beats are its ``self.beat(name, ...)`` calls (and calls of a method that passes its
argument on to ``beat``, such as the gravity scene's ``say``). A name is a text (``"plane"``),
an f-string (``f"pulls {k + 1}"``, which matches ``pulls 1``, ``pulls 2``, ...), either text of
a conditional, any item of a tuple, or a parameter of the enclosing method, resolved through
that method's calls in the same module. Read with :mod:`ast`: nothing is imported or built, so
``check`` stays quick. Names are compared as the storyboard's file names spell them
(:func:`attention_content.examples.beat_slug`: ``"pulls 1"``, ``"pulls-1"`` and ``"Pulls_1"``
are one name).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from attention_content.examples import beat_slug
from scenes.story import STORY, Step

__all__ = ["StepBeats", "beat_names"]

_ANY = "[a-z0-9-]+"  # what a formatted value of an f-string may be, in a slug


@dataclass(frozen=True)
class StepBeats:
    """One step's beat names: texts, and f-strings as patterns (``pulls {}``)."""

    names: tuple[str, ...]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(re.fullmatch(_pattern(n), beat_slug(name)) for n in self.names)

    def __str__(self) -> str:
        return ", ".join(repr(n.replace("{}", "N")) for n in self.names)


def _pattern(name: str) -> str:
    """A beat name with ``{}`` holes -> a regular expression over slugs."""
    parts = [re.escape(re.sub(r"[^a-z0-9]+", "-", part.lower())) for part in name.split("{}")]
    return _ANY.join(parts).strip("-").replace("\\-", "-").strip("-") or "beat"


class _Reader:
    """One scene module's source: its methods' calls by method name, and its constants."""

    def __init__(self, source: str) -> None:
        tree = ast.parse(source)
        self.constants = {node.targets[0].id: node.value for node in tree.body
                          if isinstance(node, ast.Assign) and len(node.targets) == 1
                          and isinstance(node.targets[0], ast.Name)}
        self.calls: dict[str, list[tuple[ast.Call, ast.FunctionDef]]] = {}
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    self.calls.setdefault(node.func.attr, []).append((node, function))

    def beats(self) -> tuple[str, ...]:
        """Every name a ``beat`` call of the module can give ({} for a formatted part)."""
        names = ["title"]  # ExplainerScene.show_title_card's
        for call, function in self.calls.get("beat", []):
            if call.args:
                names += self.names(call.args[0], function)
        return tuple(dict.fromkeys(names))

    def names(self, node: ast.expr, function: ast.FunctionDef,
              seen: frozenset[str] = frozenset()) -> list[str]:
        """The names an argument expression can take."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
        if isinstance(node, ast.IfExp):
            return self.names(node.body, function, seen) + self.names(node.orelse, function, seen)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Tuple | ast.List):
            return [n for item in node.value.elts for n in self.names(item, function, seen)]
        if not isinstance(node, ast.Name) or function.name in seen:
            return []
        loops = [f.iter for f in ast.walk(function) if isinstance(f, ast.For)
                 and node.id in {n.id for n in ast.walk(f.target) if isinstance(n, ast.Name)}]
        if loops:  # for (name, _), x in zip(CASES, ...): every text the iterable holds
            return [t for loop in loops for t in self.texts(loop, function)]
        params = [a.arg for a in function.args.args]
        if node.id not in params:
            return []
        position, found = params.index(node.id) - 1, []  # the position after self
        for call, caller in self.calls.get(function.name, []):
            given = [kw.value for kw in call.keywords if kw.arg == node.id] + call.args[position:position + 1]
            for arg in given[:1]:
                found += self.names(arg, caller, seen | {function.name})
        return found

    def texts(self, node: ast.expr, function: ast.FunctionDef | None = None) -> list[str]:
        """Every text in an expression, following names to the module's constants and to the
        values ``function`` assigns them (``lines = [("hotter", ...)]; for (name, _) in lines``)."""
        local = {} if function is None else {
            a.targets[0].id: a.value for a in ast.walk(function)
            if isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)}
        found = []
        for part in ast.walk(node):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                found.append(part.value)
            elif isinstance(part, ast.Name) and part.id in self.constants:
                found += self.texts(self.constants[part.id])
            elif isinstance(part, ast.Name) and part.id in local and local[part.id] is not node:
                found += self.texts(local[part.id])
        return found


@cache
def _step_names(source: str) -> tuple[str, ...]:
    return _Reader(source).beats()


def _class_sources(path: Path, name: str, seen: frozenset[Path] = frozenset()) -> list[Path]:
    """``path`` and the modules beside it that hold the bases of its class ``name``, and theirs
    (a scene's beats may live in a mixin of a sibling module: the keys chapter's
    ``ScaledWeights``, the attention matrix's ``MaskBeats``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name: node.module.rsplit(".", 1)[-1] for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scenes.")
                for alias in node.names}
    found = [path]
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == name:
            for base in (b.id for b in node.bases if isinstance(b, ast.Name)):
                sibling = path.parent / f"{imported.get(base, '')}.py"
                if base in imported and sibling.exists() and sibling not in seen | {path}:
                    found += _class_sources(sibling, base, seen | {path})
    return found


def beat_names(story: Sequence[Step] = STORY) -> dict[str, StepBeats]:
    """Each step, by its module and by its scene class -> the beat names its scene can have
    (its own module's and those of its bases' modules beside it)."""
    result = {}
    for step in story:
        if step.path.exists():
            names = [n for source in _class_sources(step.path, step.scene)
                     for n in _step_names(source.read_text(encoding="utf-8"))]
            beats = StepBeats(tuple(dict.fromkeys(names)))
            result[step.module] = result[step.scene] = beats
    return result
