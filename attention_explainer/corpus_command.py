"""``attention-explainer corpus FILE --out CORPUS.toml``: draft a corpus for an example's word.

Draft the sentences (:mod:`attention_content.corpus_draft`), train seeds 0, 1, ... until one ends
with every probe's focus attending most to its decider, print the figures and the ``corpus =``
line for the example, and write the file whole or not at all. No seed within the budget: say
so, write nothing, exit 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from attention_content.corpus_draft import (
    corpus_toml,
    draft_corpus,
    meanings_from_example,
    parse_draft,
    try_seed,
)
from attention_content.example_types import CORPUS_DIR
from attention_content.examples import load_example
from attention_core.errors import AttentionInputError

__all__ = ["corpus_line", "draft"]


def corpus_line(example_path: Path, out: Path) -> str:
    """The example's ``corpus = "..."`` line naming ``out``: a shipped corpus by its name, any
    other file by its path from the example's folder."""
    out = out.resolve()
    if out.parent == CORPUS_DIR.resolve():
        return f'corpus = "{out.stem}"'
    return f'corpus = "{Path(os.path.relpath(out, example_path.resolve().parent)).as_posix()}"'


def _words(groups: Sequence[str] | None) -> list[tuple[str, ...]]:
    return [tuple(w for w in group.split(",") if w) for group in groups or ()]


def draft(target: str, out: Path, seeds: int = 20, deciders: Sequence[str] | None = None,
          follows: Sequence[str] | None = None, force: bool = False) -> int:
    """Run the command; 0 when a seed works and ``out`` is written, else 1 (one line why)."""
    from attention_explainer.model_example import OutError, write_out

    def fail(message: str) -> int:
        print(f"attention-explainer: corpus: {message}", file=sys.stderr)
        return 1

    if out.suffix != ".toml":
        return fail(f"--out {out}: a corpus file ends in .toml")
    if out.exists() and not force:
        return fail(f"--out {out} exists; pass --force to replace it")
    if not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
        why = "does not exist" if not out.parent.is_dir() else "cannot be written"
        return fail(f"--out {out}: the folder {out.parent} {why}")
    if seeds < 1:
        return fail(f"--seeds must be at least 1, got {seeds}")
    try:
        example = load_example(target)
        if out.resolve() == example.path.resolve():
            return fail(f"--out {out} is the example itself; give the corpus its own file")
        meanings = meanings_from_example(example, _words(deciders), _words(follows))
        word = example.sentences[0].focus
        made = draft_corpus(word, meanings)
        corpus = parse_draft(corpus_toml(made, 0), out)
    except AttentionInputError as error:
        return fail(str(error))
    print(f"drafted {len(made.sentences)} sentences, {len(corpus.vocabulary)} words, for {word!r}:")
    for m in meanings:
        print(f"  {m.name}: deciders {', '.join(m.deciders)}; then {', '.join(m.follows)}")
    for probe in made.probes:
        print(f'  probe "{probe.text}" (decider {probe.decides}; not a training sentence)')
    steps = corpus.training.steps
    for seed in range(seeds):
        result = try_seed(corpus, seed)
        figures = ", ".join(f"{p.decides} {w:.2f}"
                            for p, w in zip(made.probes, result.on_decider, strict=True))
        off = [f"{p.decides}->{t}"
               for p, t in zip(made.probes, result.top_word, strict=True) if t != p.decides]
        verdict = ("kept" if result.ok else f"probe off its decider: {', '.join(off)}" if off
                   else f"the loss climbs back {result.rise:.2f} in one step (a bump on the curve)")
        print(f"seed {seed}: loss {result.losses[0]:.2f} -> {result.losses[-1]:.2f} after {steps} steps; "
              f"attention of {word!r} on its decider: {figures}; {verdict}")
        if result.ok:
            break
    else:
        return fail(f"no seed of 0-{seeds - 1} ends with every probe on its decider; nothing written "
                    "(try --seeds with more, or more deciders with --deciders)")
    try:
        write_out(out, corpus_toml(made, result.seed, source=example.path.name))
    except OutError as error:
        return fail(str(error))
    print(f"wrote {out} (seed {result.seed}); add to {example.path.name}:")
    print(f"  {corpus_line(example.path, out)}")
    return 0
