"""The project's imports, read from the source: one walker for the import graph and the stamps.

Every ``import`` and ``from ... import`` counts, at module level and inside functions (those run
later, but they run: a cycle through them is still a cycle), except under ``if TYPE_CHECKING:``.
An import of ``a.b.c`` also runs the packages ``a`` and ``a.b`` (their ``__init__``), and
``from a.b import c`` reads ``c`` off the package ``a.b``: both count as imports of those
packages. ``import a.b.c`` from inside ``a`` does not count ``a`` (its ``__init__`` has run),
but ``from a import c`` there does: it reads ``c`` off a package that may still be running its
``__init__`` (which works only while that ``__init__`` imports ``c`` first).

Used by ``scripts/import_graph.py`` and ``tests/test_imports.py`` (the house's layers,
:data:`PACKAGES` in order, and its cycles) and by the renderer's step stamps
(:func:`files_imported`: a step depends on every project file its scene imports, however deep).
"""

from __future__ import annotations

import ast
from pathlib import Path

__all__ = ["PACKAGES", "ROOT", "cycles", "files_imported", "graph", "module_imports", "modules", "upward"]

ROOT = Path(__file__).resolve().parents[1]
# The project's packages, one layer each, the lowest first: each may import only itself and the
# layers before it (tests/test_imports.py). The numbers; the content (example and corpus files,
# the story's claims); what scenes need of manim; the scenes; the application.
PACKAGES = ("attention_core", "attention_content", "attention_manim", "scenes", "attention_explainer")


def modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Every project module's dotted name -> its file."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _statements(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of ``body`` and everything nested in it, but under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo += node.orelse
            continue
        todo += list(ast.iter_child_nodes(node))
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_imports(name: str, path: Path, known: dict[str, Path] | set[str]) -> set[str]:
    """The project modules (names in ``known``) that module ``name``, at ``path``, imports."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 2)}  # itself, its packages
    found: set[str] = set()

    def add(module: str) -> None:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):  # a.b.c runs a and a.b first
            if (target := ".".join(parts[:i])) in known and target not in own:
                found.add(target)

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return found
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
            base = ".".join([*anchor, *([base] if base else [])])
        add(base)
        if base in own and base != name:  # an attribute of a package still running its __init__
            found.add(base)
        for alias in node.names:
            if f"{base}.{alias.name}" in known:
                add(f"{base}.{alias.name}")
    return found


def graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module -> the project modules it imports (:func:`module_imports`)."""
    known = modules(root, packages)
    return {name: module_imports(name, path, known) for name, path in known.items()}


def files_imported(path: Path, root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> set[Path]:
    """``path`` (a module of the project, or a file outside it such as a test's scene) and every
    project file it imports, transitively."""
    known = modules(root, packages)
    files = {p: n for n, p in known.items()}
    start = files.get(path.resolve(), path.stem)
    found: set[Path] = {path}
    parts = start.split(".")
    todo = sorted(module_imports(start, path, known)
                  | {".".join(parts[:i]) for i in range(1, len(parts))} & set(known))  # its packages
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found.add(known[name])
        todo += module_imports(name, known[name], known) - seen
    return found


def upward(edges: dict[str, set[str]], layers: tuple[str, ...] = PACKAGES) -> list[tuple[str, str]]:
    """The imports that point up: (module, imported module) where the imported one's package
    comes later in ``layers`` than the importer's.

    >>> upward({"low.a": {"high.b"}, "high.b": {"low.a"}}, ("low", "high"))
    [('low.a', 'high.b')]
    """
    rank = {name: i for i, name in enumerate(layers)}
    return sorted((module, target) for module, targets in edges.items() for target in targets
                  if rank[target.split(".")[0]] > rank[module.split(".")[0]])


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The graph's cycles, one per strongly connected group of two or more modules (Tarjan)."""
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
