"""Subtitle cues as lecture captions are held to: at most 2 lines of 42 characters, at most
:data:`MAX_CUE_SECONDS` on screen, :data:`GAP_FRAMES` frames between consecutive cues.

Shared by the scenes (``scenes/base.py``: a spoken beat says each of its cues as a clip of its
own, so each cue is timed by its own speech) and the join (``attention_explainer/render/join.py``:
every cue of a silent line laid out here, its time shared in proportion to its length).
Pure Python and ``srt``: nothing here imports manim or PyAV.

>>> line = "Softmax turns scores into weights. Each is positive, and they sum to one."
>>> cue = srt.Subtitle(1, timedelta(0), timedelta(seconds=10), line)  # 73 characters: two lines
>>> [(c.content, c.end.total_seconds()) for c in lay_out_cue(cue)]  # but 10 s: two cues
[('Softmax turns scores into weights.', 4.722222), ('Each is positive, and they sum to one.', 10.0)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

import srt

__all__ = ["CUE_LINES", "CUE_LINE_CHARS", "GAP_FRAMES", "MAX_CUE_SECONDS", "RULE_FPS", "cue_gap", "cue_texts",
           "lay_out_cue", "pieces", "separate", "two_lines"]

# The usual subtitle norm (Netflix, BBC, DCMP): at most two lines of about 42 characters a
# cue, at most 7 s a cue, at least 2 frames between two cues.
CUE_LINE_CHARS = 42
CUE_LINES = 2
MAX_CUE_SECONDS = 7.0
GAP_FRAMES = 2
RULE_FPS = 30.0  # the frame rate caption rules count frames at (29.97 rounded)


def cue_gap(fps: float) -> float:
    """Seconds between two cues of a video at ``fps``: :data:`GAP_FRAMES` frames of the video and
    of :data:`RULE_FPS` whichever is longer, up to a whole millisecond (a .srt keeps milliseconds).

    >>> cue_gap(60), cue_gap(15)
    (0.067, 0.134)
    """
    return math.ceil(GAP_FRAMES / min(fps, RULE_FPS) * 1000) / 1000
_SENTENCE_ENDS = ".!?"
_CLAUSE_ENDS = ",;:)"
# The cost of a cue that ends after a clause, or mid-clause, against (its extra length / width)
# squared: a cue that ends mid-clause, or mid-parenthesis, is harder to read.
_AFTER_CLAUSE = 0.02
_MID_CLAUSE = 0.5


def two_lines(words: Sequence[str], width: int = CUE_LINE_CHARS) -> list[str] | None:
    """``words`` on one line, or on two lines as even as can be, each at most ``width``
    characters; None when they need more (a single word longer than ``width`` is one line)."""
    whole = " ".join(words)
    if len(whole) <= width or len(words) == 1:
        return [whole]
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    fitting = [pair for pair in splits if max(map(len, pair)) <= width]
    return list(min(fitting, key=lambda pair: max(map(len, pair)))) if fitting else None


def pieces(words: Sequence[str], n: int, width: int = CUE_LINE_CHARS) -> list[list[str]] | None:
    """``words`` cut into ``n`` consecutive pieces that each fit two lines of ``width``: of
    about equal length, and where they can, cut after a sentence, else after a clause (never
    inside brackets); None when no cut fits.

    >>> [" ".join(p) for p in pieces("Each word becomes a point: apple is (1.50, 1.60). Similar words "
    ...                                 "lie close together.".split(), 2)]
    ['Each word becomes a point: apple is (1.50, 1.60).', 'Similar words lie close together.']
    """
    starts = [0]  # where each word starts in the words joined by spaces
    depth = [0]  # brackets open after each word: a cut inside "(1.50, 1.60)" is mid-clause
    for word in words:
        starts.append(starts[-1] + len(word) + 1)
        depth.append(depth[-1] + word.count("(") + word.count("[") - word.count(")") - word.count("]"))
    total = starts[-1] - 1

    def length(a: int, b: int) -> int:  # of words[a:b] joined
        return starts[b] - starts[a] - 1

    def fits(a: int, b: int) -> bool:  # on one line, or on two
        return (b - a == 1 or length(a, b) <= width
                or any(length(a, k) <= width and length(k, b) <= width for k in range(a + 1, b)))

    def cost(a: int, b: int) -> float:
        uneven = (length(a, b) - total / n) / width
        last = words[b - 1][-1]
        if b == len(words) or (last in _SENTENCE_ENDS and depth[b] <= 0):
            return uneven**2
        if depth[b] > 0:
            return uneven**2 + _MID_CLAUSE
        return uneven**2 + (_AFTER_CLAUSE if last in _CLAUSE_ENDS else _MID_CLAUSE)

    # best[k][b]: the least cost of words[:b] in k pieces, and where its last piece starts
    best: list[dict[int, tuple[float, int]]] = [{0: (0.0, 0)}]
    for k in range(1, n + 1):
        best.append({})
        for b in range(k, len(words) + 1):
            options = []
            for a in range(b - 1, -1, -1):  # the last piece words[a:b], longer and longer
                if b - a > 1 and length(a, b) > 2 * width + 1:
                    break  # no longer piece fits two lines either
                if a in best[k - 1] and fits(a, b):
                    options.append((best[k - 1][a][0] + cost(a, b), a))
            if options:
                best[k][b] = min(options)
    if len(words) not in best[n]:
        return None
    cut, b = [], len(words)
    for k in range(n, 0, -1):
        a = best[k][b][1]
        cut.insert(0, list(words[a:b]))
        b = a
    return cut


def cue_texts(text: str, width: int = CUE_LINE_CHARS, at_least: int = 1) -> list[str]:
    """``text`` as the fewest cues (``at_least`` of them, when it has the words) of at most
    :data:`CUE_LINES` lines of ``width`` characters, each cue's lines joined by a newline.

    >>> cue_texts("one two three four five six seven", width=10)
    ['one two\\nthree four', 'five six\\nseven']
    """
    words = text.split()
    if not words:
        return []
    n = min(max(1, at_least), len(words))
    while (cut := pieces(words, n, width)) is None:
        n += 1
    return ["\n".join(two_lines(p, width) or []) for p in cut]


def lay_out_cue(cue: srt.Subtitle, width: int = CUE_LINE_CHARS,
                max_seconds: float = MAX_CUE_SECONDS) -> list[srt.Subtitle]:
    """``cue`` as cues of at most :data:`CUE_LINES` lines of at most ``width`` characters,
    wrapped at spaces, each on screen at most ``max_seconds``: itself when its text fits and is
    short enough, else cut into the fewest pieces of about equal length that fit (after a
    sentence or a clause where it can), which share its time in proportion to their length (the
    last ends where it ended). A piece of one word still longer than ``max_seconds`` ends after
    them. Renumbering is left to ``srt.compose``.

    >>> cue = srt.Subtitle(1, timedelta(0), timedelta(seconds=4), "one two three four five six seven")
    >>> [(c.content, c.end.total_seconds()) for c in lay_out_cue(cue, width=10)]
    [('one two\\nthree four', 2.25), ('five six\\nseven', 4.0)]
    >>> one = srt.Subtitle(1, timedelta(0), timedelta(seconds=9), "Softmax.")
    >>> [(c.content, c.end.total_seconds()) for c in lay_out_cue(one)]
    [('Softmax.', 7.0)]
    """
    words = cue.content.split()
    if not words:
        return [cue]
    span = cue.end - cue.start
    limit = timedelta(seconds=max_seconds)
    texts = cue_texts(cue.content, width)
    while True:
        lengths = [len(t.replace("\n", " ")) for t in texts]
        total = sum(lengths)
        if max(lengths) * span / total <= limit or len(texts) >= len(words):
            break
        texts = cue_texts(cue.content, width, at_least=len(texts) + 1)
    cues, start, done = [], cue.start, 0
    for k, (text, length) in enumerate(zip(texts, lengths, strict=True)):
        done += length
        end = cue.end if k == len(texts) - 1 else cue.start + span * done / total
        cues.append(srt.Subtitle(0, start, min(end, start + limit), text))
        start = end
    return cues


def separate(cues: Sequence[srt.Subtitle], gap: float) -> list[srt.Subtitle]:
    """``cues`` (in order) with each ending at least ``gap`` seconds before the next starts
    (its end moved earlier; a cue that would vanish keeps half its time), so that a player
    shows the change of cue; cues that do not touch are left as they are.

    >>> a = srt.Subtitle(1, timedelta(0), timedelta(seconds=2), "a")
    >>> b = srt.Subtitle(2, timedelta(seconds=2), timedelta(seconds=3), "b")
    >>> [c.end.total_seconds() for c in separate([a, b], 0.1)]
    [1.9, 3.0]
    """
    out = [srt.Subtitle(c.index, c.start, c.end, c.content) for c in cues]
    step = timedelta(seconds=gap)
    for current, following in zip(out, out[1:], strict=False):
        latest = following.start - step
        if current.end > latest:
            current.end = max(latest, current.start + (current.end - current.start) / 2)
    return out
