"""The knobs' lint: a warning for each knob an example sets to a value no shipped example uses."""

from __future__ import annotations

from attention_content.example_types import Example, ExampleError, Knobs
from attention_content.examples import EXAMPLES_DIR, read_toml

__all__ = ["knob_warnings", "shipped_knob_values"]


def shipped_knob_values() -> dict[str, set[float]]:
    """Each knob -> the values the shipped examples give it (a default where one leaves it out)."""
    used: dict[str, set[float]] = {name: set() for name in Knobs.__dataclass_fields__}
    for path in sorted(EXAMPLES_DIR.glob("*.toml")):
        try:
            knobs = read_toml(path).get("knobs", {})
        except ExampleError:
            continue
        for name, values in used.items():
            values.add(float(knobs.get(name, getattr(Knobs(), name))))
    return used


# What a knob at a value of its own changes, for the lint.
_KNOB_EFFECTS = {
    "pull_strength": "below 1 the gravity chapter adds a beat saying this video's setting is not part "
                     "of attention",
    "pull_steps": "the gravity chapter's slow motion takes another number of steps",
    "temperature": "every softmax weight of the video is sharper or flatter than the talk's (T = 1)",
}


def knob_warnings(example: Example) -> list[str]:
    """A ``warning:`` line for each knob set to a value no shipped example uses."""
    lines = []
    for name, values in shipped_knob_values().items():
        value = float(getattr(example.knobs, name))
        if value not in values:
            shown = ", ".join(f"{v:g}" for v in sorted(values))
            lines.append(f"warning: knobs.{name}: {value:g} is a value no shipped example uses (they use "
                         f"{shown}): {_KNOB_EFFECTS[name]}; leave it out for {getattr(Knobs(), name):g}")
    return lines
