"""A 32-word example (the most a sentence may have) for layout tests, written on demand.

Two sentences of exactly ``MAX_TOKENS`` distinct words around "apple"; the words that carry
meaning sit where the apple example puts them, the others in a small cluster near the
origin (fixed numbers, no randomness).
"""

from __future__ import annotations

import math
from pathlib import Path

from attention_content.examples import MAX_TOKENS

FRUIT = ("my old friend from the village bought one crisp red apple and a ripe banana at their busy "
         "market before she walked home slowly along that quiet river under grey autumn skies")
TECH = ("today our new team lead opened his shiny apple laptop then checked the latest phone software "
        "update while everyone waited patiently in this small meeting room near those bright office "
        "windows again")
MEANINGFUL = {"apple": (1.5, 1.6), "banana": (0.2, 3.2), "crisp": (0.5, 2.6), "ripe": (0.3, 2.9),
              "red": (0.6, 2.2), "laptop": (3.2, 1.1), "phone": (3.8, 0.5), "software": (3.0, 0.3),
              "shiny": (1.8, 0.9), "update": (2.6, 0.2)}


def write_long_example(path: Path) -> Path:
    """Write the example to ``path`` (a .toml file) and return it."""
    fruit, tech = FRUIT.split(), TECH.split()
    assert len(fruit) == len(tech) == MAX_TOKENS and len(set(fruit)) == len(set(tech)) == MAX_TOKENS
    lines = ['title = "A long sentence"', "", "[plane]", 'x_axis = "technology"', 'y_axis = "fruit"', "",
             "[words]"]
    for k, word in enumerate(dict.fromkeys(fruit + tech)):
        x, y = MEANINGFUL.get(word, (round(0.6 * math.sin(1.7 * k), 2), round(0.6 * math.cos(2.3 * k), 2)))
        lines.append(f'"{word}" = [{x}, {y}]')
    for text in (FRUIT, TECH):
        lines += ["", "[[sentences]]", f'text = "{text}"', 'focus = "apple"']
    lines += ["", "[[heads]]", 'name = "one"', "query = [[1.0, 0.0], [0.0, 1.0]]",
              "key = [[1.0, 0.0], [0.0, 1.0]]", "value = [[1.0, 0.0], [0.0, 1.0]]", "",
              "[multi_head]", "output = [[1.0, 0.0], [0.0, 1.0]]", "",
              "[knobs]", "pull_strength = 0.8", "pull_steps = 12", "temperature = 1.0", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


if __name__ == "__main__":  # python tests/long_example.py /tmp/long.toml
    import sys

    print(write_long_example(Path(sys.argv[1])))
