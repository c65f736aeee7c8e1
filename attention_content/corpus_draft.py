"""Draft a training corpus for an example's ambiguous word, and find a seed that teaches it.

The draft follows ``assets/corpus/README.md`` ("Writing a corpus that teaches attention"):

    decided    "<det> <decider> and <word> <follow>"  one meaning's decider before the word,
                                                       then a word only that meaning allows
    undecided  "<det> <adjective> <word> <follow>"     a neutral word, then either meaning's follow

so a drafted sentence reads as English ("the cat and mouse (animal)", "a big mouse (computer)"):
the decider is joined to the word by "and" (two nouns side by side, "the cat mouse", are not a
phrase), and a meaning's default follow is its name as a gloss in parentheses, "(animal)",
where the teacher gives no follow of their own (``--follows squeaked,clicked``).

Every determiner and adjective comes as often with one meaning as with the other, so only the
decider tells the word after ``<word>``: the model must attend to it. Each meaning's probe is
"<decider> and <word> <follow>" with its first decider and follow and no determiner, so it is no
training sentence (a probe tests what the model learnt, not what it memorised).

:func:`meanings_from_example` reads the meanings off an example: each sentence is a meaning,
named after the plane axis its decider leans to; its deciders are its sentence's decider and
the other long words of ``[words]`` that lean the same way; its follow is its name as a gloss,
"(fruit)". :func:`draft_corpus` writes the sentences and
probes; :func:`corpus_toml` the file; :func:`try_seed` trains one seed with the core's own
:func:`~attention_core.training.train` and measures each probe at the last snapshot.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np

from attention_content.corpus import Corpus, Probe, TrainingSettings, parse_corpus
from attention_content.example_types import Example
from attention_content.examples import MAX_WORD_CHARS
from attention_core.errors import AttentionInputError

__all__ = [
    "ADJECTIVES",
    "CONNECTIVE",
    "DETERMINERS",
    "DRAFT_TRAINING",
    "MAX_RISE",
    "Draft",
    "Meaning",
    "SeedResult",
    "corpus_toml",
    "draft_corpus",
    "meanings_from_example",
    "parse_draft",
    "try_seed",
]

DETERMINERS = ("the", "my")  # not "a": "a old" is not English, and "an" would tell a meaning
ADJECTIVES = ("big", "old", "small")  # neutral words for the undecided sentences
CONNECTIVE = "and"  # joins a decider to the word: "the cat and mouse", not "the cat mouse"
# crane.toml's settings: 60 Adam steps, loss flat by step 15, a run short enough to try seeds.
DRAFT_TRAINING = TrainingSettings(seed=0, steps=60, learning_rate=0.1, d_model=16, heads=1, d_head=4,
                                  snapshots=(0, 5, 10, 15, 20, 30, 40, 60))
MAX_RISE = 0.25  # a loss that climbs back more than this in one step shows as a bump on the curve
MIN_DECIDER_LENGTH = 0.5  # a word of [words] at least this fraction of the decider's length decides too


@dataclass(frozen=True)
class Meaning:
    """One meaning of the ambiguous word.

    Attributes:
        name: what it is called (an axis name: "fruit").
        deciders: words that, right before the ambiguous word, decide this meaning.
        follows: words that only this meaning allows right after the ambiguous word.
    """

    name: str
    deciders: tuple[str, ...]
    follows: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """A drafted corpus.

    Attributes:
        word: the ambiguous word.
        meanings: its meanings, in the example's sentence order.
        sentences: the training sentences, each a tuple of words, decided ones first.
        probes: one per meaning, none of them among ``sentences``.
    """

    word: str
    meanings: tuple[Meaning, ...]
    sentences: tuple[tuple[str, ...], ...]
    probes: tuple[Probe, ...]

    def meaning_of(self, sentence: Sequence[str]) -> int | None:
        """The meaning a sentence decides (a word before ``word`` is that meaning's decider),
        or None for an undecided sentence."""
        before = set(sentence[:list(sentence).index(self.word)])
        return next((i for i, m in enumerate(self.meanings) if before & set(m.deciders)), None)


@dataclass(frozen=True)
class SeedResult:
    """One seed's training, measured at the last snapshot.

    Attributes:
        seed: the seed trained.
        losses: the corpus loss after 0..steps updates, shape (steps + 1,).
        on_decider: per probe, its focus's attention on its decider (mean over heads).
        top_word: per probe, the word its focus attends to most.
        deciders: per probe, the word that decides it.
    """

    seed: int
    losses: np.ndarray
    on_decider: tuple[float, ...]
    top_word: tuple[str, ...]
    deciders: tuple[str, ...]

    @property
    def rise(self) -> float:
        """The loss's largest rise from one step to the next (0 when it only falls)."""
        return max(0.0, float(np.max(np.diff(self.losses))))

    @property
    def ok(self) -> bool:
        """Every probe's focus attends most to its decider, and the loss curve has no bump a
        student would see (no rise above MAX_RISE)."""
        return self.top_word == self.deciders and self.rise <= MAX_RISE


def _token(text: str) -> str:
    """An axis name as one corpus word: spaces joined by hyphens, cut to MAX_WORD_CHARS."""
    return "-".join(text.split())[:MAX_WORD_CHARS].lower()


def gloss(name: str) -> str:
    """A meaning's name as the word after the ambiguous one: "(fruit)", at most MAX_WORD_CHARS."""
    return f"({name[:MAX_WORD_CHARS - 2]})"


def meanings_from_example(example: Example, deciders_added: Sequence[Sequence[str]] = (),
                          follows_given: Sequence[Sequence[str]] = ()) -> tuple[Meaning, ...]:
    """One :class:`Meaning` per sentence of ``example`` (it needs two, about the same word, with
    different deciders); raises :class:`AttentionInputError` naming the file otherwise.

    ``deciders_added[i]`` are more deciders for sentence i's meaning (the teacher's own words),
    ``follows_given[i]`` its follows instead of its gloss ("(fruit)").
    """
    from attention_content.story import decider

    where = f"{example.path}: sentences"
    if len(example.sentences) < 2:
        raise AttentionInputError(f"{where}: a corpus needs two meanings, one per sentence; this "
                                  "example has one sentence")
    word = example.sentences[0].focus
    if any(s.focus != word for s in example.sentences):
        raise AttentionInputError(f"{where}: both sentences must be about the same word (focus "
                                  f"{example.sentences[0].focus!r} and {example.sentences[1].focus!r})")
    deciders = [decider(example, i) for i in range(len(example.sentences))]
    if len(set(deciders)) < len(deciders):
        raise AttentionInputError(f"{where}: both sentences are decided by {deciders[0]!r}; a corpus "
                                  "needs one decider per meaning")
    axes = (example.x_axis, example.y_axis) if example.is_planar else ()

    def side(w: str) -> int:  # which axis a word leans to (index into axes)
        return int(np.argmax(example.words[w]))

    sides = [side(d) for d in deciders] if axes else []
    by_axis = len(set(sides)) == len(deciders)
    reserved = {word, CONNECTIVE, *DETERMINERS, *ADJECTIVES}
    meanings = []
    for i, own in enumerate(deciders):
        name = _token(axes[sides[i]]) if by_axis else f"meaning{i + 1}"
        extra: list[str] = []
        if by_axis:
            length = float(np.linalg.norm(example.words[own]))
            extra = [w for w, v in example.words.items()
                     if w not in reserved and w not in deciders and side(w) == sides[i]
                     and float(np.linalg.norm(v)) >= MIN_DECIDER_LENGTH * length
                     and all(w not in s.tokens[s.focus_index + 1:] for s in example.sentences)]
        meanings.append(Meaning(name, (own, *extra), (gloss(name),)))
    added = [*deciders_added, *[()] * len(meanings)]
    given = [*follows_given, *[()] * len(meanings)]
    meanings = [Meaning(m.name, tuple(dict.fromkeys((*m.deciders, *added[i]))),
                        tuple(given[i]) if given[i] else m.follows)
                for i, m in enumerate(meanings)]
    _check_words(example, word, meanings)
    return tuple(meanings)


def _check_words(example: Example, word: str, meanings: Sequence[Meaning]) -> None:
    """Every decider and follow is one word, used by one meaning only, and not ``word``."""
    seen: dict[str, str] = {}
    for m in meanings:
        for w in (*m.deciders, *m.follows):
            reserved = (word, CONNECTIVE, *DETERMINERS, *ADJECTIVES)
            if not w or len(w.split()) != 1 or len(w) > MAX_WORD_CHARS or w in reserved:
                raise AttentionInputError(f"{example.path}: corpus word {w!r} must be one word of at most "
                                          f"{MAX_WORD_CHARS} characters, not {word!r}, "
                                          f"{', '.join((CONNECTIVE, *DETERMINERS, *ADJECTIVES))}")
            if seen.setdefault(w, m.name) != m.name:
                raise AttentionInputError(f"{example.path}: {w!r} belongs to two meanings ({seen[w]} and "
                                          f"{m.name}); a decider or follow must tell one meaning")


def draft_corpus(word: str, meanings: Sequence[Meaning]) -> Draft:
    """The sentences and probes for ``word`` with these meanings (deterministic).

    Per determiner, every meaning gets the same number N of decided sentences (its
    (decider, follow) pairs, cycled to the largest meaning's count); undecided sentences put
    each adjective and determiner before every meaning's follows alike. A meaning's probe is
    "<first decider> and <word> <first follow>": no determiner, so no training sentence (they
    all have one), and no word the model has not seen.
    """
    pairs = [list(product(m.deciders, m.follows)) for m in meanings]
    n = max(len(p) for p in pairs)
    rounds = max(len(m.follows) for m in meanings)
    adjectives = ADJECTIVES[:min(len(ADJECTIVES), max(1, round(n / rounds)))]
    probes = tuple(Probe((m.deciders[0], CONNECTIVE, word, m.follows[0]), word, decides=m.deciders[0])
                   for m in meanings)
    decided = [(det, d, CONNECTIVE, word, f) for p in pairs for det in DETERMINERS
               for d, f in (p * n)[:n]]
    undecided = [(det, adj, word, m.follows[k % len(m.follows)])
                 for adj, det, k in product(adjectives, DETERMINERS, range(rounds)) for m in meanings]
    sentences = tuple(decided + undecided)
    return Draft(word, tuple(meanings), sentences, probes)


def _string(text: str) -> str:
    """A TOML basic string (the words are checked example words: no control characters)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def corpus_toml(draft: Draft, seed: int, source: str = "",
                settings: TrainingSettings = DRAFT_TRAINING) -> str:
    """The corpus file for ``draft``, trained with ``seed``: comments, sentences grouped by
    meaning, probes and the ``[training]`` table, in ``assets/corpus/README.md``'s form."""
    names = " / ".join(m.name for m in draft.meanings)
    lines = [f"# A corpus for one word, {draft.word} ({names}), drafted by `attention-explainer corpus`"
             + (f" from {source}" if source else "") + ".",
             f"# The word before \"and {draft.word}\" decides its meaning; the word after it only fits that",
             "# meaning, so predicting it makes the model look back at the decider. Undecided sentences",
             f"# ({', '.join(ADJECTIVES)}) are followed by every meaning's words, and "
             f"{' and '.join(repr(d) for d in DETERMINERS)} come",
             "# equally often with every meaning, so they give nothing away. The probes have no determiner,",
             "# so they are not training sentences. How to write one by hand: assets/corpus/README.md.",
             "",
             f"title = {_string(f'Learning to read {draft.word}')}",
             "",
             "sentences = ["]
    groups: dict[int | None, list[tuple[str, ...]]] = {}
    for sentence in draft.sentences:
        groups.setdefault(draft.meaning_of(sentence), []).append(sentence)
    for key, sentences in groups.items():
        if key is None:
            used = ", ".join(a for a in ADJECTIVES if any(a in s for s in sentences))
            lines.append(f"  # undecided: {used} -> any meaning's words")
        else:
            m = draft.meanings[key]
            lines.append(f"  # {draft.word}, {m.name}: {', '.join(m.deciders)} -> {', '.join(m.follows)}")
            if len(set(sentences)) < len(sentences):
                lines.append("  # (some repeated: every meaning has as many sentences, so none is likelier)")
        lines += [f"  {_string(' '.join(s))}," for s in sentences]
    lines += ["]", "", f"# Sentences the training chapter draws: {draft.word!r} must attend most to the "
              "word that decides it."]
    for probe in draft.probes:
        lines += ["", "[[probes]]", f"text = {_string(probe.text)}", f"focus = {_string(probe.focus)}",
                  f"decides = {_string(probe.decides)}"]
    snapshots = ", ".join(str(s) for s in settings.snapshots)
    lines += ["", "[training]",
              f"seed = {seed}    # chosen by `attention-explainer corpus`: every probe ends on its decider",
              f"steps = {settings.steps}",
              f"learning_rate = {settings.learning_rate:g}",
              f"d_model = {settings.d_model}",
              f"heads = {settings.heads}",
              f"d_head = {settings.d_head}",
              f"snapshots = [{snapshots}]", ""]
    return "\n".join(lines)


def parse_draft(text: str, path: Path | str = "<draft>") -> Corpus:
    """``corpus_toml``'s text, read back through the corpus loader (so it is a valid corpus)."""
    return parse_corpus(tomllib.loads(text), path)


def try_seed(corpus: Corpus, seed: int) -> SeedResult:
    """Train ``corpus`` from ``seed`` and measure every probe at the last snapshot: row
    ``focus_index`` of its attention weights (averaged over heads, shape (n,))."""
    from attention_core.training import train

    trace = train(corpus, seed=seed)
    final = trace.snapshots[-1]
    on, top = [], []
    for probe, weights in zip(trace.probes, final.probe_weights, strict=True):
        row = weights.mean(axis=0)[probe.focus_index]  # (H, n, n) -> (n,)
        on.append(float(row[probe.decides_index]))
        top.append(probe.tokens[int(np.argmax(row))])
    return SeedResult(seed, np.asarray(trace.losses), tuple(on), tuple(top),
                      tuple(p.decides for p in trace.probes))
