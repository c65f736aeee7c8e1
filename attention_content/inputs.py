"""What a step reads besides its code, read once: the example file and the files it names.

A step's stamp must describe the bytes its render drew from, not the files as they are when the
render ends (an edit saved while manim runs, then undone, would otherwise leave a video of the
edit stamped as the original). So the renderer reads the example and the files its path fields
name (:data:`PATH_FIELDS`: the training corpus) once, when the step starts
(:func:`read_inputs`), hashes those bytes into the stamp, and writes them to a private folder
(:func:`write_snapshot`) that the step's manim process reads instead of the user's files
(``ATTENTION_EXAMPLE_SNAPSHOT``, :meth:`attention_manim.settings.Settings.load_example`,
:func:`load_snapshot`). The example keeps its own path and name: output folders, messages and
relative corpus paths are the user's file's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from attention_content.example_types import Example, ExampleError
from attention_content.examples import parse_example, read_toml

__all__ = ["PATH_FIELDS", "Inputs", "load_snapshot", "read_inputs", "write_snapshot"]

# The Example fields that name a file the scenes read (scenes/story.py's ``Step.reads``).
PATH_FIELDS = ("corpus",)
_EXAMPLE = "example.toml"
_INDEX = "inputs.json"


@dataclass(frozen=True)
class Inputs:
    """The example file's bytes (None: unreadable) and, by field, each named file's path and
    bytes (None: unreadable), all read once."""

    example_file: Path
    example: bytes | None
    named: dict[str, tuple[Path, bytes | None]]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def read_inputs(example_file: Path) -> Inputs:
    """Read the example file once, and the files its path fields name in those very bytes (an
    example that does not parse names none: its step fails on it anyway)."""
    data = _read(example_file)
    named: dict[str, tuple[Path, bytes | None]] = {}
    if data is not None:
        example = _parse(data, example_file)
        for name in PATH_FIELDS if example is not None else ():
            path = Path(getattr(example, name))
            named[name] = (path, _read(path))
    return Inputs(example_file, data, named)


def _parse(data: bytes, example_file: Path) -> Example | None:
    try:
        return parse_example(tomllib.loads(data.decode("utf-8")), example_file)
    except (ExampleError, ValueError, RecursionError):  # bad TOML or UTF-8 are ValueErrors
        return None


def write_snapshot(inputs: Inputs, folder: Path) -> None:
    """Write ``inputs`` into ``folder`` (empty, private): the example's bytes, each named file's
    under ``<field>/<its name>`` (the scenes show a corpus's file name), and an index."""
    index: dict[str, object] = {"example": str(inputs.example_file), "named": {}}
    if inputs.example is not None:
        (folder / _EXAMPLE).write_bytes(inputs.example)
    for name, (path, data) in inputs.named.items():
        if data is None:
            continue
        (folder / name).mkdir(mode=0o700)
        (folder / name / path.name).write_bytes(data)
        index["named"][name] = [str(path), f"{name}/{path.name}"]  # type: ignore[index]
    (folder / _INDEX).write_text(json.dumps(index), encoding="utf-8")


def load_snapshot(folder: Path, example_file: Path) -> Example | None:
    """The example as the snapshot in ``folder`` holds it, with its own path and name and its
    path fields pointing at the snapshot's copies; None when ``folder`` is not a snapshot of
    ``example_file`` (the example is then read from ``example_file``). An
    :class:`ExampleError` naming ``example_file`` when the snapshot's bytes are not a usable
    example."""
    try:
        index = json.loads((folder / _INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or os.path.abspath(str(index.get("example", ""))) != os.path.abspath(
            example_file):
        return None
    try:
        data = read_toml(folder / _EXAMPLE)
    except ExampleError as error:
        raise ExampleError(example_file, error.problems) from None
    example = parse_example(data, example_file)
    copies = {name: folder / copy for name, (path, copy) in index.get("named", {}).items()
              if name in PATH_FIELDS and Path(getattr(example, name)) == Path(path)}
    return dataclasses.replace(example, **copies)
