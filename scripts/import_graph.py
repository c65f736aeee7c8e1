"""The project's import graph: which of its modules import which, at module level.

    .venv/bin/python scripts/import_graph.py            # packages, then modules
    .venv/bin/python scripts/import_graph.py --modules  # every module's project imports

Counted: every ``import``/``from ... import`` statement, inside functions too, but not under
``if TYPE_CHECKING:`` (see attention_explainer/import_walk.py, the one walker, which the step
stamps use too). Each package is a layer (``import_walk.PACKAGES``, lowest first); each imports
only itself and the layers below it, with no cycle (tests/test_imports.py holds it to that).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from attention_explainer.import_walk import PACKAGES, cycles, graph, upward  # noqa: E402  (the one walker)


def layer(module: str) -> str:
    """The layer (package) a module belongs to."""
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
    print("Between the layers, lowest first: " + " < ".join(PACKAGES))
    for (source, target), names in sorted(layers(edges).items()):
        print(f"  {source:<58} -> {target:<48} {', '.join(sorted(names))}")
    print(f"Upward imports: {upward(edges) or 'none'}")
    found = cycles(edges)
    print(f"Cycles: {found if found else 'none'} ({len(edges)} modules, "
          f"{sum(map(len, edges.values()))} imports)")
    if args.modules:
        for module in sorted(edges):
            print(f"{module}: {', '.join(sorted(edges[module])) or '-'}")


if __name__ == "__main__":
    main()
