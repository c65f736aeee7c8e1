"""Training corpora: the sentences the tiny next-word model learns from.

A corpus is one TOML file in ``assets/corpus/`` (fields in ``assets/corpus/README.md``):
``sentences`` to learn from, ``probes`` (sentences whose attention the training scene draws
and the tests check) and ``[training]`` settings. :func:`load_corpus` checks everything at
once and raises an :class:`~attention_content.example_types.ExampleError` listing every problem.

An example names its corpus (its ``corpus`` field, :attr:`Example.corpus`);
:func:`training_plan` says which probes its training step shows: those about the example's
ambiguous word when the corpus has them, else the corpus's own, with a note saying so.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attention_content.example_types import CORPUS_DIR, DEFAULT_CORPUS, Example, ExampleError, Sentence
from attention_content.examples import MAX_TOKENS, MAX_WORD_CHARS, FieldChecker, read_toml, resolve_toml

__all__ = [
    "CORPUS_DIR",
    "DEFAULT_CORPUS",
    "Corpus",
    "Probe",
    "TrainingPlan",
    "TrainingSettings",
    "load_corpus",
    "parse_corpus",
    "spoken_list",
    "training_plan",
]
MAX_SENTENCES = 2000  # keeps training in seconds
MAX_STEPS = 20000

_TOP_FIELDS = {"title", "sentences", "probes", "training"}


@dataclass(frozen=True)
class Probe(Sentence):
    """A sentence whose ambiguous word ``focus`` should learn to attend to ``decides``.

    ``decides`` is keyword-only (``Probe(words, focus, decides="sliced")``), so it can follow
    any field of :class:`Sentence` that has a default.
    """

    decides: str = field(kw_only=True)

    @property
    def decides_index(self) -> int:
        """Position of the deciding word, always before :attr:`focus_index`."""
        return self.tokens.index(self.decides)


@dataclass(frozen=True)
class TrainingSettings:
    """How the model is built and trained (the ``[training]`` table)."""

    seed: int = 0
    steps: int = 100
    learning_rate: float = 0.1
    d_model: int = 16
    heads: int = 1
    d_head: int = 4
    snapshots: tuple[int, ...] = (0, 5, 10, 15, 20, 30, 50, 100)


@dataclass(frozen=True)
class Corpus:
    """A validated corpus.

    Attributes:
        name: the file's stem.
        path: where it was read from.
        title: shown on the training scene's title card.
        sentences: the training sentences, each a tuple of words (2 to MAX_TOKENS of them).
        vocabulary: every word of ``sentences`` once, sorted (V words); a word's index here
            is its row in the embedding matrix and its column in the output layer.
        probes: sentences to watch; every word of a probe is in ``vocabulary``.
        training: model size and optimiser settings.
    """

    name: str
    path: Path
    title: str
    sentences: tuple[tuple[str, ...], ...]
    vocabulary: tuple[str, ...]
    probes: tuple[Probe, ...]
    training: TrainingSettings

    def probe_for(self, focus: str) -> tuple[Probe, ...]:
        """The probes whose ambiguous word is ``focus`` (all probes if none is)."""
        return tuple(p for p in self.probes if p.focus == focus) or self.probes

    @property
    def focus_words(self) -> tuple[str, ...]:
        """The ambiguous words its probes are about, in the file's order, each once."""
        return tuple(dict.fromkeys(p.focus for p in self.probes))

    def covers(self, word: str) -> bool:
        """True when some probe is about ``word`` (so its sentences teach the word)."""
        return word in self.focus_words


def spoken_list(words: tuple[str, ...] | list[str]) -> str:
    """``apple``, ``apple and bank``, ``apple, bank and bat``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class TrainingPlan:
    """What an example's training step shows.

    Attributes:
        word: the example's ambiguous word (its first sentence's focus).
        corpus: the corpus the example names, loaded.
        probes: up to two probes: about ``word`` when the corpus covers it, else the
            corpus's first two.
        covered: whether the corpus has probes about ``word``.
    """

    word: str
    corpus: Corpus
    probes: tuple[Probe, ...]
    covered: bool

    @property
    def note(self) -> str | None:
        """What the step says when the corpus is not about the example's word, else None."""
        if self.covered:
            return None
        return (f"This corpus has no sentences about {self.word}: the model is trained on "
                f"sentences about {spoken_list(self.corpus.focus_words)}.")

    def warning(self, example: Example) -> str | None:
        """The checker's ``warning:`` line when the corpus does not cover ``word``, with the fix."""
        if self.covered:
            return None
        has_word = any(self.word in sentence for sentence in self.corpus.sentences)
        lacks = (f"has sentences with {self.word!r} but no [[probes]] about it" if has_word
                 else f"has no sentences about {self.word!r}")
        return (f"warning: training: the corpus {self.corpus.path.name} {lacks}, so the training "
                f"step shows sentences about {spoken_list(self.corpus.focus_words)} instead (and "
                f"says so); to train on {self.word!r}, write a corpus for it as "
                f"assets/corpus/README.md explains and name it in {example.path.name}: "
                f'corpus = "{self.word}" for assets/corpus/{self.word}.toml, or a path from the '
                "example's folder")


def training_plan(example: Example, corpus: Corpus | None = None) -> TrainingPlan:
    """The probes ``example``'s training step shows, from ``corpus`` (default: the corpus
    the example names, loaded and checked)."""
    corpus = load_corpus(example.corpus) if corpus is None else corpus
    word = example.sentences[0].focus
    covered = corpus.covers(word)
    return TrainingPlan(word, corpus, corpus.probe_for(word)[:2], covered)


def resolve_corpus(name_or_path: str | os.PathLike[str]) -> Path:
    """A shipped corpus's name (``"ambiguous"``) or a path to a TOML file -> its path."""
    return resolve_toml(name_or_path, CORPUS_DIR, "corpus")


def load_corpus(name_or_path: str | os.PathLike[str] = DEFAULT_CORPUS) -> Corpus:
    """Read and validate a corpus; raise :class:`ExampleError` listing every problem."""
    path = resolve_corpus(name_or_path)
    return parse_corpus(read_toml(path), path)


def parse_corpus(data: dict[str, Any], path: Path | str = "<corpus>") -> Corpus:
    """Validate already-parsed TOML ``data``; raise :class:`ExampleError` listing problems."""
    checker = FieldChecker()
    fail = checker.fail
    for key in sorted(set(data) - _TOP_FIELDS):
        fail(key, f"is not a corpus field (expected: {', '.join(sorted(_TOP_FIELDS))})")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        fail("title", "is missing (expected a text in quotes)")
    sentences = _sentences(data.get("sentences"), fail)
    vocabulary = tuple(sorted({word for sentence in sentences for word in sentence}))
    probes = _probes(data.get("probes"), set(vocabulary), fail)
    training = _training(data.get("training", {}), checker)
    if checker.problems:
        raise ExampleError(path, checker.problems)
    return Corpus(Path(path).stem, Path(path), str(title), sentences, vocabulary, probes, training)


def _words(text: Any, where: str, fail: Callable[[str, str], None]) -> tuple[str, ...] | None:
    if not isinstance(text, str) or not text.split():
        fail(where, f"must be a sentence in quotes, got {text!r}")
        return None
    words = tuple(text.split())
    long = [w for w in words if len(w) > MAX_WORD_CHARS]
    if long:
        fail(where, f"the word {long[0]!r} is longer than {MAX_WORD_CHARS} characters")
        return None
    if not 2 <= len(words) <= MAX_TOKENS:
        fail(where, f"has {len(words)} words; a sentence needs 2 to {MAX_TOKENS} "
                    "(the model predicts each next word)")
        return None
    return words


def _sentences(value: Any, fail: Callable[[str, str], None]) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        fail("sentences", "is missing (expected a list of sentences in quotes)")
        return ()
    if len(value) > MAX_SENTENCES:
        fail("sentences", f"has {len(value)} sentences; at most {MAX_SENTENCES} train in seconds")
        return ()
    parsed = [_words(text, f"sentences[{i}]", fail) for i, text in enumerate(value)]
    return tuple(words for words in parsed if words is not None)


def _probes(value: Any, vocabulary: set[str], fail: Callable[[str, str], None]) -> tuple[Probe, ...]:
    if not isinstance(value, list) or not value:
        fail("probes", "is missing (expected [[probes]] tables with text, focus and decides)")
        return ()
    probes = []
    for i, table in enumerate(value):
        where = f"probes[{i}]"
        if not isinstance(table, dict):
            fail(where, "must be a [[probes]] table with text, focus and decides")
            continue
        words = _words(table.get("text"), f"{where}.text", fail)
        focus, decides = table.get("focus"), table.get("decides")
        if words is None:
            continue
        unknown = [w for w in words if w not in vocabulary]
        if unknown:
            fail(f"{where}.text", f"the word {unknown[0]!r} never appears in the sentences, "
                                  "so the model has no embedding for it")
            continue
        if focus not in words:
            fail(f"{where}.focus", f"{focus!r} is not a word of {' '.join(words)!r}")
        elif decides not in words:
            fail(f"{where}.decides", f"{decides!r} is not a word of {' '.join(words)!r}")
        elif words.index(decides) >= words.index(focus):
            fail(f"{where}.decides", f"{decides!r} must come before {focus!r}: attention is "
                                     "causal, a word only sees the words before it")
        else:
            probes.append(Probe(words, focus, decides=decides))
    return tuple(probes)


def _training(table: Any, checker: FieldChecker) -> TrainingSettings:
    default = TrainingSettings()
    if not isinstance(table, dict):
        checker.fail("training", "must be a [training] table")
        return default
    allowed = set(TrainingSettings.__dataclass_fields__)
    for key in sorted(set(table) - allowed):
        checker.fail(f"training.{key}",
                     f"is not a training setting (expected: {', '.join(sorted(allowed))})")
    limits: dict[str, tuple[float, float, bool]] = {
        "seed": (0, 2**32 - 1, True), "steps": (1, MAX_STEPS, True),
        "learning_rate": (1e-6, 10.0, False), "d_model": (1, 16, True),
        "heads": (1, 8, True), "d_head": (1, 16, True),
    }
    values: dict[str, Any] = {}
    for key, (low, high, integer) in limits.items():
        value = checker.number(table.get(key, getattr(default, key)), f"training.{key}", low, high, integer)
        if value is not None:
            values[key] = value
    steps = values.get("steps", default.steps)
    snapshots = table.get("snapshots", [s for s in default.snapshots if s <= steps] + [steps])
    if not isinstance(snapshots, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= steps for s in snapshots):
        checker.fail("training.snapshots", f"must be a list of whole numbers from 0 to steps ({steps})")
    else:
        values["snapshots"] = tuple(sorted(set(snapshots)))
    return TrainingSettings(**{**default.__dict__, **values})
