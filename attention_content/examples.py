"""Example files: the words, sentences and matrices a video is made from.

An example is one TOML file (see ``assets/examples/README.md``). :func:`load_example`
reads it, checks *everything* at once and either returns an :class:`Example` or raises an
:class:`ExampleError` that lists every problem with the file and field it concerns.

Check files from the shell with ``attention-explainer check FILE...``
(:mod:`attention_explainer.check`); ``python -m attention_content.examples check FILE...``, the
older spelling, forwards to it.
"""

from __future__ import annotations

if __name__ == "__main__":  # forward before anything is defined: this module is imported once
    import importlib
    import sys

    _args = sys.argv[1:]
    _args = _args[1:] if _args[:1] == ["check"] else _args
    raise SystemExit(importlib.import_module("attention_explainer.cli").main(["check", *_args]))

import errno
import hashlib
import os
import re
import reprlib
import stat
import sys
import tomllib
from collections.abc import Container, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from attention_content.example_types import (
    CORPUS_DIR,
    DEFAULT_CORPUS,
    Example,
    ExampleError,
    Head,
    Knobs,
    Sentence,
)
from attention_content.glyphs import text_problem, text_width
from attention_core.errors import FloatArray

__all__ = [
    "EXAMPLES_DIR",
    "MAX_TOKENS",
    "list_examples",
    "load_example",
    "resolve_example",
    "resolve_toml",
]

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "examples"
DEFAULT_EXAMPLE = "apple"

MAX_TOKENS = 32  # the attention-matrix scene lays out at most this many words legibly
MAX_WORD_CHARS = 16  # longer labels collide in the plane and on matrix edges
MAX_TITLE_CHARS = 60
MAX_DIMENSION = 8
MAX_MAGNITUDE = 100.0  # larger numbers overflow the plane and make softmax one-hot

_TOP_FIELDS = {"title", "plane", "words", "sentences", "heads", "multi_head", "knobs", "corpus",
               "skip_beats"}


# ----------------------------------------------------------------------------- loading


def list_examples() -> list[str]:
    """Names of the examples shipped in ``assets/examples``."""
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.toml"))


def resolve_example(name_or_path: str | os.PathLike[str]) -> Path:
    """A shipped example's name (``"bank"``) or a path to a TOML file -> its path."""
    return resolve_toml(name_or_path, EXAMPLES_DIR, "example")


def resolve_toml(name_or_path: str | os.PathLike[str], shipped_dir: Path, kind: str) -> Path:
    """The name of a TOML file shipped in ``shipped_dir`` (an ``kind``, e.g. "example" or
    "corpus") or a path to a TOML file -> its path; an :class:`ExampleError` naming the
    shipped ones when there is no such name, or the path when there is no such file."""
    text = os.fspath(name_or_path)
    if not text.strip():
        raise ExampleError(shipped_dir, [f"the {kind}'s name is empty; give a shipped {kind}'s "
                                         "name or a path to a .toml file"])
    candidate = Path(text)
    if candidate.suffix == ".toml" or os.sep in text or os.path.lexists(candidate):
        if not candidate.is_file():
            raise ExampleError(candidate, [_not_a_file(candidate, kind)])
        return candidate.resolve()
    shipped = shipped_dir / f"{text}.toml"
    if not shipped.is_file():
        names = ", ".join(sorted(p.stem for p in shipped_dir.glob("*.toml")))
        raise ExampleError(shipped, [f"there is no {kind} called {text!r}; shipped: {names} "
                                     "(or give a path to a .toml file)"])
    return shipped


def _not_a_file(path: Path, kind: str) -> str:
    """What ``path`` is instead of a readable file, in words."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"the {kind} file is a symbolic link that loops back on itself"
        if os.path.islink(path):
            return f"the {kind} file is a symbolic link to {os.readlink(path)!r}, which does not exist"
        if error.errno == errno.ENOENT:
            return f"the {kind} file does not exist"
        return f"the {kind} file cannot be read: {error.strerror}"
    if stat.S_ISDIR(mode):
        return "is a folder, not a .toml file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file; give a regular .toml file"
    return "is not a regular file (a device or socket); give a regular .toml file"


def output_name(path: Path) -> str:
    """The name an example's outputs (folders, videos) carry: a shipped example's name, or
    for any other file its stem (letters, digits, ``_`` and ``-`` only) and a short hash of its
    full path, so ``other/crane.toml`` never writes into the shipped crane's folders and a file
    called ``...toml`` stays inside ``explainer/``.

    >>> output_name(EXAMPLES_DIR / "apple.toml")
    'apple'
    >>> output_name(Path("/tmp/x/apple.toml"))
    'apple-bbe61570'
    """
    path = Path(os.path.abspath(path))
    if path.parent == EXAMPLES_DIR and path.suffix == ".toml":
        return path.stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_") or "example"
    return f"{stem[:40]}-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"


def beat_slug(name: str) -> str:
    """A beat's name as file names and ``skip_beats`` compare it: ``"pulls 1"`` -> ``pulls-1``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "beat"


def skips_beat(example: Example, steps: Sequence[str], beat: str) -> bool:
    """Whether ``example`` leaves out the beat ``beat`` of the step known by any of ``steps``
    (its module, its scene class: ``("gravity_pull", "GravityPull")``)."""
    return any(step in steps and beat_slug(name) == beat_slug(beat) for step, name in example.skip_beats)


# The beats each step may have, for checking ``skip_beats``: step names (module and scene
# class) -> the step's beat names (``in`` tests one; ``str`` lists them). The content layer does
# not read the scenes: the check command passes it (attention_explainer.beats).
BeatNames = Mapping[str, Container[str]]


def load_example(name_or_path: str | os.PathLike[str], beats: BeatNames | None = None) -> Example:
    """Read and validate an example; raise :class:`ExampleError` listing every problem.

    ``beats`` (step name -> the step's beat names) lets
    unknown names in ``skip_beats`` be refused too; without it only their form is checked."""
    path = resolve_example(name_or_path)
    return parse_example(read_toml(path), path, beats)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file at ``path``; raise :class:`ExampleError` naming the line if broken."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        if message.startswith("Cannot overwrite a value"):
            # tomllib's words for a key given twice, e.g. a duplicate word in [words].
            message = "a word or field is written twice " + message.removeprefix(
                "Cannot overwrite a value").strip() + "; each may appear once"
        raise ExampleError(path, [f"not valid TOML: {message}"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExampleError(path, [f"cannot be read: {error}"]) from None
    except RecursionError:
        raise ExampleError(path, ["not valid TOML here: arrays or tables are nested too deeply "
                                  "(a matrix is a list of rows: two levels)"]) from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise ExampleError(path, [f"cannot be read: {error}"]) from None


def parse_example(data: dict[str, Any], path: Path | str = "<example>",
                  beats: BeatNames | None = None) -> Example:
    """Validate already-parsed TOML ``data``; raise :class:`ExampleError` listing problems."""
    checker = FieldChecker(beats)
    example = checker.example(data, Path(path))
    if checker.problems:
        raise ExampleError(path, checker.problems)
    assert example is not None
    return example


# What the scenes can draw legibly at 1080p (tests/test_hardening.py builds them at these
# limits): the plane and story scenes show the first two sentences only; the multi-head
# scene stacks the heads' rows, and a fourth head collides with the weights below them and
# pushes the residual formula off the frame; [words] holds at most the two sentences' words.
MAX_SENTENCES = 2
MAX_HEADS = 3
MAX_WORDS = MAX_SENTENCES * MAX_TOKENS
# How wide a word may be drawn, in ems of Inter (glyphs.text_width): the similarity table's
# ranked row shrinks below 24 px at 1080p and its grid leaves the frame beyond it (measured with
# the harness: "internationali", 6.5, fits; "MMMMMMMr", 6.78, does not). About 12 ordinary
# letters, or 7 wide ones such as M or W.
MAX_WORD_EMS = 6.5
# Every embedding is printed with two decimals: one whose components all print as 0.00 is
# shown as (0.00, 0.00) with a direction no one can see.
MIN_SHOWN = 0.01
# In the plane a word is an arrow from the origin; shorter than this part of the longest
# word's arrow, it is a few pixels long and its direction (its cosines) cannot be seen.
MIN_LENGTH_RATIO = 0.02

_shown = reprlib.Repr()
_shown.maxlevel, _shown.maxlist, _shown.maxstring, _shown.maxother = 2, 4, 40, 40


def _brief(value: Any) -> str:
    """``repr(value)`` cut short: nested lists and long texts would flood the message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1} digits"
    return _shown.repr(value)


def _word_field(word: str) -> str:
    """How a message names the [words] entry ``word``; escaped when it holds characters a
    terminal would act on (``\x1b[31m``) or not show."""
    if word.isidentifier():
        return f"words.{word}"
    return f'words."{word}"' if word.isprintable() else f"words.{ascii(word)}"


class FieldChecker:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, beats: BeatNames | None = None) -> None:
        self.beats = beats
        self.problems: list[str] = []
        self.faulty_words: set[str] = set()  # reported once in [words], not again as missing

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # -- scalars

    def text(self, value: Any, where: str, max_chars: int, required: bool = True) -> str | None:
        if value is None:
            if required:
                self.fail(where, "is missing (expected a text in quotes)")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"must be a non-empty text in quotes, got {_brief(value)}")
            return None
        if len(value) > max_chars:
            self.fail(where, f"is {len(value)} characters long; at most {max_chars} fit on screen")
            return None
        problem = text_problem(value)
        if problem is not None:
            self.fail(where, problem)
            return None
        return value

    def number(self, value: Any, where: str, low: float, high: float,
               integer: bool = False) -> float | None:
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            integer and not isinstance(value, int)
        ):
            self.fail(where, f"must be {kind}, got {_brief(value)}")
            return None
        if isinstance(value, int) and not low <= value <= high:  # exact, however large
            self.fail(where, f"must be between {low:g} and {high:g}, got {_brief(value)}")
            return None
        if not np.isfinite(value):
            self.fail(where, f"must be a finite number, got {value}")
            return None
        if not low <= value <= high:
            self.fail(where, f"must be between {low:g} and {high:g}, got {value:g}")
            return None
        return value

    def matrix(self, value: Any, where: str, rows: int | None = None) -> FloatArray | None:
        if value is None:
            self.fail(where, "is missing (expected a matrix: a list of rows of numbers)")
            return None
        if not isinstance(value, list) or not value or not all(
            isinstance(r, list) and r for r in value
        ):
            self.fail(where, "must be a matrix: a list of rows, each a list of numbers, "
                             "like [[1.0, 0.0], [0.0, 1.0]]")
            return None
        widths = {len(r) for r in value}
        if len(widths) != 1:
            self.fail(where, f"rows have different lengths {sorted(widths)}; all rows need "
                             "the same number of columns")
            return None
        ok = True
        for i, row in enumerate(value):
            for j, x in enumerate(row):
                ok &= self.number(x, f"{where}[{i}][{j}]", -MAX_MAGNITUDE, MAX_MAGNITUDE) is not None
        if not ok:
            return None
        array = np.array(value, dtype=np.float64)
        if rows is not None and array.shape[0] != rows:
            self.fail(where, f"has {array.shape[0]} rows but needs {rows} (one per embedding "
                             f"component); its shape is {array.shape[0]}x{array.shape[1]}")
            return None
        return array

    # -- sections

    def example(self, data: dict[str, Any], path: Path) -> Example | None:
        for key in sorted(set(data) - _TOP_FIELDS):
            self.fail(key, f"unknown field; the fields are {', '.join(sorted(_TOP_FIELDS))}")
        title = self.text(data.get("title"), "title", MAX_TITLE_CHARS)
        plane = self.table(data, "plane")
        x_axis = self.text(plane.get("x_axis"), "plane.x_axis", MAX_WORD_CHARS)
        y_axis = self.text(plane.get("y_axis"), "plane.y_axis", MAX_WORD_CHARS)
        for key in sorted(set(plane) - {"x_axis", "y_axis"}):
            self.fail(f"plane.{key}", "unknown field; expected x_axis and y_axis")
        words = self.words(data.get("words"))
        d = len(next(iter(words.values()))) if words else None
        sentences = self.sentences(data.get("sentences"), words)
        heads = self.heads(data.get("heads"), d)
        w_o = self.output(self.table(data, "multi_head"), heads, d)
        knobs = self.knobs(self.table(data, "knobs", required=False))
        corpus = self.corpus(data.get("corpus", DEFAULT_CORPUS), path)
        skip = self.skip_beats(data.get("skip_beats", []))
        if self.problems:
            return None
        return Example(output_name(path), path, title, x_axis, y_axis, words,  # type: ignore[arg-type]
                       sentences, heads, w_o, knobs, corpus, skip)  # type: ignore[arg-type]

    def skip_beats(self, value: Any) -> tuple[tuple[str, str], ...]:
        """``["step:beat", ...]``: each a step (module or scene class) and one of its beats."""
        form = 'must be a list of "step:beat" texts, like ["gravity_pull:setting 1"]'
        if not isinstance(value, list):
            self.fail("skip_beats", f"{form}, got {_brief(value)}")
            return ()
        result = []
        for number, entry in enumerate(value, start=1):
            where = f"skip_beats[{number}]"
            step, _, beat = entry.partition(":") if isinstance(entry, str) else ("", "", "")
            if not step.strip() or not beat.strip():
                self.fail(where, f"{form}, got {_brief(entry)}")
                continue
            step, beat = step.strip(), beat.strip()
            if self.beats is not None:
                if step not in self.beats:
                    steps = ", ".join(k for k in self.beats if k.islower())
                    self.fail(where, f"there is no step {step!r}; the steps are {steps}")
                    continue
                if beat not in self.beats[step]:
                    self.fail(where, f"step {step!r} has no beat {beat!r}; its beats are "
                                     f"{self.beats[step]} (as the storyboard names them)")
                    continue
            result.append((step, beat))
        return tuple(result)

    def corpus(self, value: Any, path: Path) -> Path | None:
        """The corpus file ``value`` names: a shipped corpus (``"ambiguous"``) or a path
        ending in ``.toml`` or holding a ``/``, relative to the example file's folder."""
        shipped = sorted(p.stem for p in CORPUS_DIR.glob("*.toml"))
        if not isinstance(value, str) or not value.strip():
            self.fail("corpus", f"must be a corpus's name in quotes ({', '.join(shipped)}) or a "
                                f"path to a .toml file, got {value!r}")
            return None
        if value.endswith(".toml") or "/" in value or os.sep in value:
            found = (path.parent / value).resolve()
            if not found.is_file():
                what = "is not a file" if found.exists() else "does not exist"
                self.fail("corpus", f"the corpus file {value!r} {what} (looked for {found}; "
                                    "a path is taken from the example file's folder)")
                return None
            return found
        if value not in shipped:
            self.fail("corpus", f"there is no corpus called {value!r}; shipped: {', '.join(shipped)} "
                                "(or give a path to a .toml file, from the example file's folder)")
            return None
        return CORPUS_DIR / f"{value}.toml"

    def table(self, data: dict[str, Any], key: str, required: bool = True) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(key, f"is missing (expected a [{key}] table)")
            return {}
        if not isinstance(value, dict):
            self.fail(key, f"must be a table ([{key}]), got {type(value).__name__}")
            return {}
        return value

    def words(self, value: Any) -> dict[str, FloatArray]:
        if value is None:
            self.fail("words", "is missing (expected a [words] table: word = [x, y])")
            return {}
        if not isinstance(value, dict) or not value:
            self.fail("words", "must be a [words] table with at least one word = [numbers]")
            return {}
        words: dict[str, FloatArray] = {}
        lengths: dict[int, str] = {}
        for word, vector in value.items():
            self.faulty_words.add(word)
            where = _word_field(word)
            if not word.strip() or any(c.isspace() for c in word):
                self.fail(where, "a word must be non-empty and contain no spaces")
                continue
            if len(word) > MAX_WORD_CHARS:
                self.fail(where, f"is {len(word)} characters; words may have at most "
                                 f"{MAX_WORD_CHARS} to stay legible")
                continue
            if (problem := text_problem(word)) is not None:
                self.fail(where, f"the word {problem}")
                continue
            if (width := text_width(word)) > MAX_WORD_EMS:
                self.fail(where, f"is {width:.2f} em wide in the font; at most {MAX_WORD_EMS:g} fit the "
                                 "similarity table legibly (about 12 ordinary letters, fewer wide ones "
                                 "such as M or W)")
                continue
            if not isinstance(vector, list) or not 1 <= len(vector) <= MAX_DIMENSION:
                self.fail(where, f"must be a list of 1 to {MAX_DIMENSION} numbers like "
                                 f"[1.5, -0.5], got {_brief(vector)}")
                continue
            numbers = [self.number(x, f"{where}[{i}]", -MAX_MAGNITUDE, MAX_MAGNITUDE)
                       for i, x in enumerate(vector)]
            if any(x is None for x in numbers):
                continue
            array = np.array(numbers, dtype=np.float64)
            if not np.any(array):
                self.fail(where, "is the zero vector: it has no direction, so its cosine "
                                 "similarity with other words is undefined")
                continue
            if np.max(np.abs(array)) < MIN_SHOWN:
                self.fail(where, f"is too small to show: every number is below {MIN_SHOWN:g} in "
                                 "size, so the scenes would print it as 0.00 with a direction no "
                                 "one can see")
                continue
            lengths.setdefault(len(array), word)
            words[word] = array
            self.faulty_words.discard(word)
        if len(lengths) > 1:
            shown = ", ".join(f"{w!r} has {n}" for n, w in sorted(lengths.items()))
            self.fail("words", f"every embedding needs the same number of components: {shown}")
        if len(value) > MAX_WORDS:
            self.fail("words", f"lists {len(value)} words; at most {MAX_WORDS} (two sentences of "
                               f"{MAX_TOKENS}) are drawn, so remove the words no sentence uses")
        elif len(lengths) == 1 and next(iter(lengths)) == 2:
            self.tiny_words(words)
        lowered: dict[str, str] = {}
        for word in words:
            if word.casefold() in lowered:
                self.fail(f"words.{word}", f"duplicates {lowered[word.casefold()]!r} apart from "
                                           "upper/lower case; use one spelling")
            lowered.setdefault(word.casefold(), word)
        return words

    def tiny_words(self, words: dict[str, FloatArray]) -> None:
        """Report the 2-D words whose arrow is too short to see beside the longest one."""
        lengths = {w: float(np.hypot(*v)) for w, v in words.items()}
        longest = max(lengths, key=lengths.__getitem__)
        for word, length in lengths.items():
            if length < MIN_LENGTH_RATIO * lengths[longest]:
                self.fail(_word_field(word), f"is {length:.3g} long, under {MIN_LENGTH_RATIO:.0%} of "
                                             f"the longest word ({longest!r}, {lengths[longest]:.3g}): "
                                             "in the plane it would be a dot whose direction "
                                             "cannot be seen")

    def sentences(self, value: Any, words: dict[str, FloatArray]) -> tuple[Sentence, ...]:
        if value is None:
            self.fail("sentences", "is missing (expected one or more [[sentences]] tables)")
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(s, dict) for s in value):
            self.fail("sentences", "must be one or more [[sentences]] tables")
            return ()
        if len(value) > MAX_SENTENCES:
            self.fail("sentences", f"has {len(value)} [[sentences]]; the scenes show at most "
                                   f"{MAX_SENTENCES}, so the others would never appear")
            return ()
        result = []
        for number, entry in enumerate(value, start=1):
            where = f"sentences[{number}]"
            for key in sorted(set(entry) - {"text", "focus", "decider"}):
                self.fail(f"{where}.{key}", "unknown field; expected text, focus and decider")
            text = self.text(entry.get("text"), f"{where}.text", 10_000)
            focus = self.text(entry.get("focus"), f"{where}.focus", MAX_WORD_CHARS)
            if text is None:
                continue
            tokens = tuple(text.split())
            if len(tokens) < 2:
                self.fail(f"{where}.text", "needs at least two words: context needs a neighbour")
                continue
            if len(tokens) > MAX_TOKENS:
                self.fail(f"{where}.text", f"has {len(tokens)} words; the scenes lay out at most "
                                           f"{MAX_TOKENS} legibly, so shorten it")
                continue
            seen: set[str] = set()
            for token in tokens:
                if token in seen:
                    self.fail(f"{where}.text", f"the word {token!r} appears twice; each word is one "
                                               "point in the plane, so use it once per sentence")
                seen.add(token)
            missing = [t for t in dict.fromkeys(tokens) if t not in words and t not in self.faulty_words]
            if missing and words:
                self.fail(f"{where}.text", "these words have no embedding in [words]: "
                                           + ", ".join(repr(m) for m in missing))
            if focus is not None and focus not in tokens:
                self.fail(f"{where}.focus", f"{focus!r} is not one of the sentence's words "
                                            f"({', '.join(tokens)})")
            decider = self.text(entry.get("decider"), f"{where}.decider", MAX_WORD_CHARS,
                                required=False)
            if decider is not None and (decider not in tokens or decider == focus):
                self.fail(f"{where}.decider", f"{decider!r} must be another word of the sentence "
                                              f"than the focus ({', '.join(tokens)})")
            result.append(Sentence(tokens, focus or tokens[0], decider=decider))
        return tuple(result)

    def heads(self, value: Any, d: int | None) -> tuple[Head, ...]:
        if value is None:
            self.fail("heads", "is missing (expected one or more [[heads]] tables)")
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(h, dict) for h in value):
            self.fail("heads", "must be one or more [[heads]] tables")
            return ()
        if len(value) > MAX_HEADS:
            self.fail("heads", f"has {len(value)} [[heads]]; the multi-head scene lays out at most "
                               f"{MAX_HEADS} legibly")
            return ()
        result = []
        names: set[str] = set()
        for number, entry in enumerate(value, start=1):
            where = f"heads[{number}]"
            for key in sorted(set(entry) - {"name", "query", "key", "value"}):
                self.fail(f"{where}.{key}", "unknown field; expected name, query, key, value")
            name = self.text(entry.get("name", f"head {number}"), f"{where}.name", MAX_WORD_CHARS)
            if name in names:
                self.fail(f"{where}.name", f"{name!r} is used by another head; names must differ")
            names.add(name or "")
            q = self.matrix(entry.get("query"), f"{where}.query", d)
            k = self.matrix(entry.get("key"), f"{where}.key", d)
            v = self.matrix(entry.get("value"), f"{where}.value", d)
            if q is not None and k is not None and q.shape != k.shape:
                self.fail(f"{where}.key", f"must have the same shape as query "
                                          f"({q.shape[0]}x{q.shape[1]}), got {k.shape[0]}x{k.shape[1]}: "
                                          "queries and keys are compared by dot product")
            elif all(x is not None for x in (q, k, v, name)):
                result.append(Head(name, q, k, v))  # type: ignore[arg-type]
        return tuple(result)

    def output(self, table: dict[str, Any], heads: tuple[Head, ...], d: int | None) -> FloatArray:
        for key in sorted(set(table) - {"output"}):
            self.fail(f"multi_head.{key}", "unknown field; expected output")
        w_o = self.matrix(table.get("output"), "multi_head.output")
        if w_o is None:
            return np.zeros((0, 0))
        total_dv = sum(h.value.shape[1] for h in heads)
        if heads and w_o.shape[0] != total_dv:
            self.fail("multi_head.output", f"has {w_o.shape[0]} rows but the heads' value "
                                           f"matrices have {total_dv} columns in all; it needs one "
                                           "row per column of the concatenated heads")
        if d is not None and w_o.shape[1] != d:
            self.fail("multi_head.output", f"has {w_o.shape[1]} columns but needs {d} to map back "
                                           "to the embeddings' dimension")
        return w_o

    def knobs(self, table: dict[str, Any]) -> Knobs:
        defaults = Knobs()
        for key in sorted(set(table) - {"pull_strength", "pull_steps", "temperature"}):
            self.fail(f"knobs.{key}", "unknown field; expected pull_strength, pull_steps, "
                                      "temperature")
        strength = self.number(table.get("pull_strength", defaults.pull_strength),
                               "knobs.pull_strength", 0.0, 1.0)
        steps = self.number(table.get("pull_steps", defaults.pull_steps), "knobs.pull_steps",
                            1, 240, integer=True)
        temperature = self.number(table.get("temperature", defaults.temperature),
                                  "knobs.temperature", 0.01, 100.0)
        if None in (strength, steps, temperature):
            return defaults
        return Knobs(float(strength), int(steps), float(temperature))  # type: ignore[arg-type]
