"""The project's import graph: which of its modules import which, at module level.

    .venv/bin/python scripts/import_graph.py            # packages, then modules
    .venv/bin/python scripts/import_graph.py --modules  # every module's project imports

Counted: ``import``/``from ... import`` statements that run when a module is imported (at its
top level, also inside a top-level ``if``/``try``; not those inside functions, which run
later, nor under ``if TYPE_CHECKING:``). ``from package import name`` counts as an import of
``package.name`` when that is a module. The packages: ``attention_core`` (core),
``scenes`` and ``attention_explainer`` (split here into ``attention_explainer.render``, the
command line and the rest, which the scenes may use). tests/test_imports.py holds the graph to
its rules: no cycle, core imports neither of the others.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("attention_core", "attention_explainer", "scenes")


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every project module's dotted name -> its file."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of ``body`` that run at import, through top-level if/try blocks."""
    statements = []
    for node in body:
        if isinstance(node, ast.If):
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                    isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"):
                statements += _top_level(node.orelse)
                continue
            statements += _top_level(node.body) + _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            statements += _top_level(node.body)
            for handler in node.handlers:
                statements += _top_level(handler.body)
            statements += _top_level(node.orelse) + _top_level(node.finalbody)
        else:
            statements.append(node)
    return statements


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` (at ``path``) imports at module level."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _top_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    found.add(f"{base}.{alias.name}")
                elif base in known:
                    found.add(base)
    found.discard(name)
    return found


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports at module level."""
    known = modules(root)
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The graph's cycles, one per strongly connected group of two or more modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


# What the scenes may use of attention_explainer (tests/test_imports.py holds them to it).
FOR_SCENES = ("attention_explainer.settings", "attention_explainer.manim_patches",
              "attention_explainer.voice")


def layer(module: str) -> str:
    """The part of the house a module belongs to."""
    if module in FOR_SCENES:
        return "attention_explainer (settings, manim_patches, voice)"
    if module.startswith("attention_explainer"):
        return "attention_explainer (cli, render, launcher, tools)"
    return module.split(".")[0]


def layers(edges: dict[str, set[str]]) -> dict[tuple[str, str], set[str]]:
    """(importing part, imported part) -> the imported modules, between different parts."""
    found: dict[tuple[str, str], set[str]] = {}
    for module, targets in edges.items():
        for target in targets:
            if layer(module) != layer(target):
                found.setdefault((layer(module), layer(target)), set()).add(target)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", action="store_true", help="every module's project imports")
    args = parser.parse_args()
    edges = graph()
    print("Between the parts of the house (module-level imports):")
    for (source, target), names in sorted(layers(edges).items()):
        print(f"  {source:<58} -> {target:<48} {', '.join(sorted(names))}")
    found = cycles(edges)
    print(f"Cycles: {found if found else 'none'} ({len(edges)} modules, "
          f"{sum(map(len, edges.values()))} imports)")
    if args.modules:
        for module in sorted(edges):
            print(f"{module}: {', '.join(sorted(edges[module])) or '-'}")


if __name__ == "__main__":
    main()
