"""What the training chapter says about its run, read from the trace, the corpus and the
example: the probe's attention and guesses, the right word and its loss, whether a probe is
close to a training sentence, why the attention starts even, the moral, the models' sizes.

:class:`RunReading` is a mixin of :class:`scenes.training.Training`: its methods read the
scene's ``trace``, ``corpus``, ``plan``, ``probe``, ``probes`` and ``example``.
"""

from __future__ import annotations

import numpy as np

from attention_content.corpus import Corpus, Probe, TrainingPlan, spoken_list
from attention_content.example_types import CORPUS_DIR, DEFAULT_CORPUS, Example
from attention_core.training import (
    TrainingSnapshot,
    TrainingTrace,
    attention_scores,
    next_word_losses,
    next_word_probabilities,
)
from scenes.style import fmt

__all__ = ["RunReading"]

TOP_GUESSES = 3
SMALL_SCORE = 0.1  # scores this close to 0 make softmax spread evenly (e^0.1 = 1.1)
NEAR_WORDS = 2  # a probe that differs from a training sentence in this many words is close to it


def _left_out(longer: tuple[str, ...], shorter: tuple[str, ...]) -> list[int] | None:
    """The positions of ``longer`` to leave out so that it reads ``shorter`` (the first such
    words, matched left to right), or None if leaving out words cannot make it.

    >>> _left_out(("the", "puppy", "and", "bark"), ("puppy", "and", "bark"))
    [0]
    >>> _left_out(("a", "b"), ("b", "a")) is None
    True
    """
    out, k = [], 0
    for n, word in enumerate(longer):
        if k < len(shorter) and word == shorter[k]:
            k += 1
        else:
            out.append(n)
    return out if k == len(shorter) else None


class RunReading:
    """The run in words and numbers, for the scene that shows it."""

    trace: TrainingTrace
    corpus: Corpus
    plan: TrainingPlan
    probe: Probe
    probes: tuple[Probe, ...]
    example: Example

    def seen_in_training(self, probe: Probe) -> str:
        """Whether the model trained on ``probe``'s sentence: what it does there may be memory,
        on a sentence it never saw it is not (review minor 11); a sentence that differs from a
        training one in a word or two only is said to (issue 30: no overclaim)."""
        if tuple(probe.tokens) in {tuple(s) for s in self.corpus.sentences}:
            return "one of its training sentences"
        near = self.nearest_training_sentence(probe)
        if near is not None:
            return f"close to its training sentence \u201c{' '.join(near)}\u201d"
        return "a sentence it never trained on"

    def nearest_training_sentence(self, probe: Probe) -> tuple[str, ...] | None:
        """The first training sentence that differs from ``probe`` in at most NEAR_WORDS
        words, none of them its ambiguous word or its decider: words changed in place, or
        words left out of one of the two ("puppy and bark (dog)" is "the puppy and bark
        (dog)" without "the"); else None."""
        keep = {probe.focus_index, probe.decides_index}
        for sentence in self.corpus.sentences:
            words = tuple(sentence)
            differ: list[int] | None  # the probe's positions that differ (-1: a word the probe lacks)
            if len(words) == len(probe.tokens):
                differ = [k for k, (w, t) in enumerate(zip(probe.tokens, words, strict=True)) if w != t]
            elif len(words) > len(probe.tokens):
                lacks = _left_out(words, tuple(probe.tokens))
                differ = None if lacks is None else [-1] * len(lacks)
            else:
                differ = _left_out(tuple(probe.tokens), words)
            if differ is not None and len(differ) <= NEAR_WORDS and not keep & set(differ):
                return words
        return None

    def moral(self) -> str:
        """What the run shows, and no more: the corpus was written so that the next word needs
        the decider; nobody marked it; on sentences close to the training ones, said so."""
        final = self.trace.snapshots[-1]
        if not all(self.attends_most_to_decider(final, p) for p in self.probes):
            return "Here predicting the next word was not enough to find the word that decides."
        seen = [self.seen_in_training(p) for p in self.probes]
        if any(s.startswith("one of its") for s in seen):
            where = " to find it in its training sentences."
        elif any(s.startswith("close to") for s in seen):
            where = ", in sentences like its training ones."
        else:
            where = " to find it."
        return ("Nobody marked the deciding word: the sentences were written so the next word needs it, "
                "and predicting that word was enough" + where)

    def why_even(self, snap: TrainingSnapshot) -> str:
        """Why the focus's row starts even, when it does because W_Q and W_K start small: its
        scores (every head's, on the words up to it) all within SMALL_SCORE of 0; else nothing.
        The line names what is on screen (W_Q and W_K) and says the scores in words: a number
        said must be printed, and the scores are not (issue 30's watch: "at most 0.01 from 0"
        said over the weights)."""
        i = self.probe.focus_index
        scores = attention_scores(snap.params, self.trace.vocabulary, self.probe.tokens)[:, i, : i + 1]
        top = float(np.abs(scores).max())
        if top >= SMALL_SCORE:
            return ""
        # said in words: the scores are not on screen (its weights and W_Q, W_K, W_V are)
        return " W_Q and W_K, at the bottom, start small, so its scores all start near 0."

    def model_size(self) -> dict[str, int]:
        """This model's sizes, read from the trained numbers (``o``: W_O's rows, the heads'
        outputs side by side)."""
        final = self.trace.final
        return {"d": int(final.embeddings.shape[1]), "words": len(self.trace.vocabulary),
                "heads": final.heads, "k": int(final.w_q.shape[2]), "o": int(final.w_o.shape[0])}

    def toy_size(self) -> dict[str, object]:
        """The same sizes for the example of the chapters before."""
        shapes = sorted({h.query.shape for h in self.example.heads})
        return {"d": self.example.dimension, "words": len(self.example.words),
                "heads": len(self.example.heads),
                "matrices": " / ".join(f"{r} \u00d7 {c}" for r, c in shapes),
                "output": "{} \u00d7 {}".format(*self.example.w_o.shape)}

    def right_word(self, snap: TrainingSnapshot, probe: Probe) -> tuple[str, float, float]:
        """The word that follows the prompt in ``probe``, the chance the model gives it at
        ``snap`` and the loss of that guess (``-log`` of the chance, from the core)."""
        t = self.prompt_end(probe)
        right = probe.tokens[t + 1]
        p = float(next_word_probabilities(snap.params, self.trace.vocabulary, probe.tokens[: t + 1])
                  [self.trace.vocabulary.index(right)])
        loss = float(next_word_losses(snap.params, self.trace.vocabulary, probe.tokens)[t])
        return right, p, loss

    def has_own_corpus(self) -> bool:
        """Whether the example names a corpus of its own (not the shipped default)."""
        return self.example.corpus.resolve() != (CORPUS_DIR / f"{DEFAULT_CORPUS}.toml").resolve()

    def corpus_line(self) -> str:
        """Why this chapter is about another word than the example's: which corpus it trains
        on, and which word it watches."""
        about, word, watched = spoken_list(self.corpus.focus_words), self.plan.word, self.probe.focus
        if self.has_own_corpus():
            return (f"The corpus this example names, {self.corpus.path.name}, has no sentences about {word}, "
                    f"so the model learns its sentences about {about}, and we watch {watched}.")
        return (f"This example has no training sentences of its own, so the model learns the shipped "
                f"ones, about {about}, and we watch {watched}.")

    def chances_after_prompt(self, snap: TrainingSnapshot, probe: Probe) -> np.ndarray:
        """The model's chance for every vocabulary word after ``probe``'s prompt, shape (V,)."""
        return next_word_probabilities(snap.params, self.trace.vocabulary,
                                       probe.tokens[: self.prompt_end(probe) + 1])

    def attention(self, snap: TrainingSnapshot, probe: Probe) -> np.ndarray:
        """``probe``'s attention weights at ``snap``, averaged over heads, shape (n, n)."""
        return snap.probe_weights[self.trace.probes.index(probe)].mean(axis=0)

    def decider_weight(self, snap: TrainingSnapshot, probe: Probe) -> float:
        """How much ``probe``'s ambiguous word attends to its decider at ``snap``."""
        return float(self.attention(snap, probe)[probe.focus_index, probe.decides_index])

    def attends_most_to_decider(self, snap: TrainingSnapshot, probe: Probe) -> bool:
        """Whether ``probe``'s ambiguous word attends most to its decider at ``snap``."""
        return int(np.argmax(self.attention(snap, probe)[probe.focus_index])) == probe.decides_index

    def looks_at(self, snap: TrainingSnapshot, probe: Probe, quoted: bool = False) -> str:
        """``looks at DECIDER``, or, when another word gets more of the ambiguous word's
        attention, ``looks most at OTHER, not at DECIDER``."""
        def q(word: str) -> str:
            return f"\u201c{word}\u201d" if quoted else word
        if self.attends_most_to_decider(snap, probe):
            return f"looks at {q(probe.decides)}"
        top = probe.tokens[int(np.argmax(self.attention(snap, probe)[probe.focus_index]))]
        return f"looks most at {q(top)}, not at {q(probe.decides)}"

    def guesses(self, snap: TrainingSnapshot, probe: Probe) -> list[tuple[str, float]]:
        """The model's top next words after the prompt, with their chances."""
        probs = next_word_probabilities(snap.params, self.trace.vocabulary,
                                        probe.tokens[: self.prompt_end(probe) + 1])
        order = np.argsort(probs)[::-1][:TOP_GUESSES]
        return [(self.trace.vocabulary[i], float(probs[i])) for i in order]

    def top_guess(self, snap: TrainingSnapshot, probe: Probe) -> str:
        """The model's guess as said: ``pie (1.00)``, or ``approved or lent (0.50 each)``
        when the next guesses show the same chance."""
        guesses = self.guesses(snap, probe)
        tied = [word for word, p in guesses if fmt(p) == fmt(guesses[0][1])]
        if len(tied) == 1:
            return f"{tied[0]} ({fmt(guesses[0][1])})"
        return f"{', '.join(tied[:-1])} or {tied[-1]} ({fmt(guesses[0][1])} each)"

    @staticmethod
    def prompt_end(probe: Probe) -> int:
        """The position of the prompt's last word: the focus, or the word before it when the
        focus ends the sentence (a prompt needs a next word to be right about)."""
        return min(probe.focus_index, len(probe.tokens) - 2)

    @classmethod
    def prompt_text(cls, probe: Probe) -> str:
        return " ".join(probe.tokens[: cls.prompt_end(probe) + 1])
