"""House rules read off the source. No measured timing in a comment or docstring: a figure such
as "6 ms a frame" or "took 0.3-0.4 s" goes stale as the code and the machine change, so the code
says why it is shaped as it is in words, and the measurement goes to ``docs/performance.md``
(with what was measured, where and when) or to ``tests/benchmarks/results/``.

Only comments and docstrings are read (``tokenize`` and ``ast``): strings the code prints or
uses are out of scope. Specifications that read like timings (the AAC encoder's delay, the
voice level's analysis frames) are allowed by name in :data:`ALLOWED`."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from attention_explainer.import_walk import PACKAGES, ROOT

FOLDERS = (*PACKAGES, "scripts")
_N = r"\d+(?:\.\d+)?"
_RANGE = rf"{_N}(?:\s?(?:-|–|to)\s?{_N})?"
# One pattern per kind of measurement (case-insensitive), named in the failure.
TIMING = {
    "milliseconds": re.compile(rf"\b{_RANGE} ?ms\b"),
    "processor time": re.compile(rf"\b{_N} ?s of processor time"),
    "took": re.compile(rf"\b(?:took|takes?|spends?|spent|costs?)\s+(?:about |~|up to )?{_RANGE}"
                       r" ?(?:s|seconds?|minutes?)\b"),
    "percent": re.compile(rf"\b{_N}% (?:of|less|more)\b"),
    "load": re.compile(rf"\bat (?:a )?load (?:average )?(?:of )?~?{_N}"),
    "range of seconds": re.compile(rf"\b{_N}\s?(?:-|–|to)\s?{_N} ?s\b"),
    "seconds a thing": re.compile(rf"\b{_N} s (?:a|per) (?:frame|slide|run|label|time|process|step)\b"),
    "seconds of a run": re.compile(rf"\b{_N} s (?:of|for) "),
    "share of a run": re.compile(rf"\b{_N} of (?:the|a|its) [\w' ]{{0,20}}?{_N} ?s\b"),
    "factor": re.compile(rf"\b{_N}x (?:slower|faster)\b"),
}
# (file, words of the line) allowed: each a specification, not a measurement.
ALLOWED = {
    # the loudness is measured over 20 ms analysis frames: a parameter of voice.level_dbfs
    ("attention_manim/voice.py", "voiced 20 ms frames"),
    # AAC encoders delay the sound by 1024 samples (21 ms at 48 kHz): a property of the codec
    ("attention_manim/voice.py", "samples, 21 ms)"),
}


def _docstring_lines(tree: ast.AST) -> set[int]:
    """The line numbers of every module, class and function docstring."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def timings_in_source(source: str) -> list[tuple[int, str, str]]:
    """(line number, kind, the line) for each comment or docstring line of ``source`` that
    carries a measured timing."""
    lines = source.splitlines()
    prose = {n: lines[n - 1] for n in _docstring_lines(ast.parse(source))}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            prose[token.start[0]] = token.string
    found = []
    for number in sorted(prose):
        for kind, pattern in TIMING.items():
            if pattern.search(prose[number].lower()):
                found.append((number, kind, prose[number].strip()))
                break
    return found


def timings_in(root: Path = ROOT) -> list[str]:
    """``path:line: [kind] text`` for each measured timing in the comments and docstrings of
    every ``.py`` file of the packages and ``scripts/`` under ``root``, less :data:`ALLOWED`."""
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            for number, kind, text in timings_in_source(path.read_text(encoding="utf-8")):
                if not any(name == file and words in text for file, words in ALLOWED):
                    found.append(f"{name}:{number}: [{kind}] {text}")
    return found


def test_no_measured_timing_in_a_comment_or_docstring():
    """Seen failing on main at b97cda8 (its packages and scripts/ taken out with git archive,
    this file copied beside them): 40 lines listed, the first attention_core/real_model.py:297
    ("100x slower"), the last attention_explainer/watch.py:5 ("spends ~1.5 s")."""
    assert timings_in() == []


def test_the_rule_reads_comments_and_docstrings_only():
    source = '''"""A module. Decoding it back took 0.4 s a slide."""

# a fade cost 30 to 55 ms a frame here
LIMIT = 7.0  # at most 7 s a cue, at least 2 frames between two cues: a specification


def f():
    """Freeing the objects one by one took 0.3-0.4 s; 60 Adam steps."""
    print("took 3 s")  # the line the user reads: not a comment
    return "2-5 s"


class C:
    """Copying the groups was 60% of a copy, at load 3.5."""
'''
    kinds = [(number, kind) for number, kind, _ in timings_in_source(source)]
    assert kinds == [(1, "took"), (3, "milliseconds"), (8, "took"), (14, "percent")]
