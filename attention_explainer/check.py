"""``attention-explainer check FILE... [--suggest OUT.toml] [--narration]``: check example files.

Each file is validated field by field (every problem at once, naming its field); then every
claim of the story (:mod:`attention_content.story`) is evaluated on its numbers, and each one the
numbers deny is printed as a ``warning:`` line with what should win, what does and by how
much it misses; so are claims that hold only by a margin that prints as a tie, knobs at a
value no shipped example uses, and a corpus with no sentences about the example's word.
With ``--narration`` (slow: every step is built) so is each number a beat says and its settled
frame does not print (:mod:`attention_explainer.narration_check`).
A warning does not fail the check (exit 0); a problem does (exit 1).

With ``--suggest OUT.toml`` (one file), :mod:`attention_content.suggest` looks for the smallest
change to the file's numbers after which every claim holds, and writes it (the teacher's
comments and layout kept) to ``OUT.toml``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from attention_content.corpus import training_plan
from attention_content.example_types import Example, ExampleError
from attention_content.examples import list_examples, load_example
from attention_content.knobs import knob_warnings
from attention_content.story import story_claims
from attention_explainer.beats import beat_names
from attention_manim import atomic

__all__ = ["check", "warnings"]


def _summary(example: Example) -> str:
    sentences = "; ".join(f'"{s.text}" (focus {s.focus})' for s in example.sentences)
    return (f"{example.title!r}: {len(example.words)} words in {example.dimension}-D, "
            f"{len(example.sentences)} sentence(s): {sentences}; {len(example.heads)} head(s)")


def warnings(example: Example) -> list[str]:
    """Every ``warning:`` line the checker prints for a valid example, in story order."""
    lines = []
    for claim in story_claims(example):
        if not claim.holds:
            lines.append(claim.warning)
        elif claim.printed_tie:
            lines.append(claim.tie_warning)
    from attention_explainer.lints import lint_warnings  # imports manim: only when checking

    return lines + knob_warnings(example) + lint_warnings(example)


def check(targets: Sequence[str], suggest: Path | None = None, *, accessibility: bool = False,
          narration: bool = False) -> int:
    """Check each example file or shipped name in ``targets``: 0 when all load (warnings or
    not), 1 when one has a problem; with ``suggest``, write a suggestion for the one target
    (0 when every claim holds in it, 1 when some cannot; see :func:`attention_content.suggest`).
    ``accessibility``: also build every step and print the accessibility check's measures and
    problems (:func:`attention_explainer.access_check.check_example`), as warnings.
    ``narration``: also build every step and warn of each number a beat says that its settled
    frame does not print (:func:`attention_explainer.narration_check.check_example`)."""
    if not targets:
        print("attention-explainer check: give an example file or a shipped example's name "
              f"({', '.join(list_examples())})", file=sys.stderr)
        return 2
    if suggest is not None and len(targets) != 1:
        print("attention-explainer check: --suggest writes one file: give one example", file=sys.stderr)
        return 2
    status = 0
    for target in targets:
        try:
            example = load_example(target, beat_names())
        except ExampleError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        try:
            plan = training_plan(example)
        except ExampleError as error:  # the corpus it names is broken
            print(f"{example.path}: corpus: the corpus it names has problems:\n{error}", file=sys.stderr)
            status = 1
            continue
        print(f"ok {example.path}: {_summary(example)}; trained on {plan.corpus.path.name}")
        for line in warnings(example):
            print(line)
        if plan.warning(example):
            print(plan.warning(example))
        if accessibility:
            from attention_explainer.access_check import check_example

            for line in check_example(example).lines():
                print(line, flush=True)
        if narration:
            from attention_explainer.narration_check import check_example as check_narration

            # each step's count on stderr as it is built: the warnings alone on stdout
            for unseen in check_narration(example, log=lambda line: print(line, file=sys.stderr, flush=True)):
                if not unseen.allowed:
                    print(unseen.warning, flush=True)
        if suggest is not None:
            status = max(status, write_suggestion(example, suggest))
    return status


def write_suggestion(example: Example, out: Path) -> int:
    """Find the smallest change to ``example``'s numbers after which every claim holds, write
    it to ``out`` (the teacher's file with only those numbers changed, else a fresh file) and
    print the changes: 0, or 1 when some claims cannot hold together (named; ``out`` then has
    every claim that can hold)."""
    from attention_content.suggest import example_toml, suggest
    from attention_content.toml_numbers import replace_numbers

    if out.suffix != ".toml":
        print(f"attention-explainer check: --suggest {out}: an example file ends in .toml", file=sys.stderr)
        return 2
    found = suggest(example)
    text = replace_numbers(example.path.read_text(encoding="utf-8"), found.numbers)
    kept = text is not None
    text = example_toml(found.example) if text is None else text
    atomic.write_text(out, text)
    written = load_example(out)  # what a render will read: it must load, and say what it was found to
    left = [c for c in story_claims(written) if not c.holds or c.printed_tie]
    how = "your file with only these numbers changed" if kept else "a fresh file (comments not kept)"
    if not found.changes:
        print(f"suggest: no number needs to change; wrote {out} ({how})")
    else:
        print(f"suggest: {len(found.changes)} change(s), the largest {found.largest_change:.2f}; wrote {out} "
              f"({how}):")
        for change in found.changes:
            print(f"  {change}")
    for word in found.crossed:
        print(f"  (no smaller change keeps every word on its side: {word})")
    if found.conflicts:
        print("suggest: these claims cannot all hold at once:", file=sys.stderr)
        for conflict in found.conflicts:
            print(f"  - {conflict}", file=sys.stderr)
        return 1
    if left:  # the claims the search held are the story's: this would be a bug
        print("suggest: still failing after the change: " + "; ".join(c.warning for c in left),
              file=sys.stderr)
        return 1
    print(f"suggest: every claim holds in {out}")
    return 0
