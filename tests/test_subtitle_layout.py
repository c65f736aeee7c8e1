"""The joined video's subtitles: each cue at most two lines of at most 42 characters, wrapped
at spaces, at most 7 s on screen, 2 frames apart; a longer narration line becomes consecutive
cues that share its time in proportion to their length, and say all its words, in order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
import srt
from hypothesis import given, settings

from attention_explainer.render import join

LONG = ("After 6 layers, apple beside orange is more fruit than beside phone (0.20 against -0.23), "
        "and less technology (-0.33 against -0.20), as in the toy example.")  # 155 characters


def write_srt(path: Path, cues: list[tuple[float, float, str]]) -> Path:
    path.write_text(srt.compose([srt.Subtitle(i + 1, timedelta(seconds=a), timedelta(seconds=b), text)
                                 for i, (a, b, text) in enumerate(cues)]), encoding="utf-8")
    return path


def check_laid_out(original: str, start: float, end: float, cues: list[srt.Subtitle]) -> None:
    """``cues`` say ``original``'s words in order, within two lines of 42 characters each, one
    after the other over [start, end], each as long as its share of the characters, and none
    longer than 7 s (a one-word cue that would be ends at 7 s)."""
    said = " ".join(word for cue in cues for word in cue.content.split())
    assert said == " ".join(original.split())
    for c in cues:
        lines = c.content.split("\n")
        assert 1 <= len(lines) <= 2, c.content
        assert all(0 < len(line) <= 42 and line == line.strip() for line in lines), c.content
    times = [(c.start.total_seconds(), c.end.total_seconds()) for c in cues]
    ms = 1.01e-3  # a .srt keeps whole milliseconds
    assert all(b - a <= 7.0 + ms for a, b in times)
    lengths = [len(c.content.replace("\n", " ")) for c in cues]
    shares = [(end - start) * length / sum(lengths) for length in lengths]
    assert times[0][0] == pytest.approx(start, abs=ms)
    assert times[-1][1] == pytest.approx(min(end, times[-1][0] + 7.0), abs=ms)
    nominal_start = start
    for (a, b), share in zip(times, shares, strict=True):
        assert a == pytest.approx(nominal_start, abs=2 * ms)
        assert b - a == pytest.approx(min(share, 7.0), abs=2 * ms)
        nominal_start += share
    if max(shares) > 7.0 + ms:  # only a cue of one word is left longer than 7 s
        assert all(" " not in c.content.replace("\n", " ") for c, share in zip(cues, shares, strict=True)
                   if share > 7.0 + ms)


def test_the_joined_subtitles_keep_to_two_lines_of_42_characters(tmp_path: Path) -> None:
    files = [write_srt(tmp_path / "a.srt", [(0.0, 1.0, "short"), (1.0, 11.0, LONG)])]
    chapters = [join.Chapter("One", 0.0, 20.0)]
    cues = list(srt.parse(join.join_subtitles(files, chapters)))
    assert cues[0].content == "short"
    assert [c.index for c in cues] == list(range(1, len(cues) + 1))
    assert len(cues) == 3  # the 155 characters: two cues of two lines
    check_laid_out(LONG, 1.0, 11.0, cues[1:])


def test_a_line_that_fits_two_lines_stays_one_cue_with_even_lines() -> None:
    text = "The weights come from the dot products: a bigger pull."  # 54 characters
    cue = srt.Subtitle(1, timedelta(seconds=2), timedelta(seconds=5), text)
    (laid,) = join.lay_out_cue(cue)
    assert (laid.start, laid.end) == (cue.start, cue.end)
    first, second = laid.content.split("\n")
    assert abs(len(first) - len(second)) <= 8  # evened out, not 42 then 11


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.text("abcdefghij,.()-0123456789", min_size=1, max_size=14), min_size=1,
                      max_size=60),
       start=st.floats(0, 600), length=st.floats(0.5, 30))
def test_any_line_is_laid_out_in_cues_of_two_short_lines(words: list[str], start: float,
                                                        length: float) -> None:
    text = " ".join(words)
    cue = srt.Subtitle(1, timedelta(seconds=start), timedelta(seconds=start + length), text)
    cues = join.lay_out_cue(cue)
    check_laid_out(text, start, start + length, cues)
    lines = -(-len(text) // 42)  # at least this many lines of 42
    if length <= 7.0:
        assert len(cues) <= lines  # never more cues than lines it needs (no one-word cues strewn)


def test_a_steps_subtitles_are_laid_out_the_same_way(tmp_path: Path) -> None:
    text = write_srt(tmp_path / "step.srt", [(0.5, 1.5, "short"), (2.0, 12.0, LONG)]).read_text()
    cues = list(srt.parse(join.lay_out_subtitles(text)))
    assert [c.index for c in cues] == [1, 2, 3] and cues[0].content == "short"
    check_laid_out(LONG, 2.0, 12.0, cues[1:])


@pytest.mark.parametrize("text, first", [
    ("Layer 5, head 5 looks hardest: apple gives orange 0.37 and phone 0.31 of all its attention.",
     "Layer 5, head 5 looks hardest:"),
    ("In “the new apple phone”, [CLS] and [SEP] take 0.02 of apple's attention. Share out the rest: "
     "of the other words, phone gets the most, 0.32.",
     "In “the new apple phone”, [CLS] and\n[SEP] take 0.02 of apple's attention."),
])
def test_a_long_line_is_cut_after_a_punctuation_mark_where_it_can_be(text: str, first: str) -> None:
    cues = join.lay_out_cue(srt.Subtitle(1, timedelta(0), timedelta(seconds=8), text))
    assert cues[0].content == first
    check_laid_out(text, 0.0, 8.0, cues)


def test_no_cue_lasts_over_7_s_and_a_long_one_is_cut_at_a_sentence() -> None:
    line = "Softmax turns scores into weights. Each is positive, and they sum to one."  # 73 characters
    cues = join.lay_out_cue(srt.Subtitle(1, timedelta(seconds=1), timedelta(seconds=11), line))
    assert [c.content for c in cues] == ["Softmax turns scores into weights.",
                                         "Each is positive, and they sum to one."]
    check_laid_out(line, 1.0, 11.0, cues)
    (alone,) = join.lay_out_cue(srt.Subtitle(1, timedelta(0), timedelta(seconds=9), "Softmax."))
    assert alone.end == timedelta(seconds=7)


def test_consecutive_cues_are_two_frames_apart(tmp_path: Path) -> None:
    files = [write_srt(tmp_path / "a.srt", [(0.0, 1.0, "short"), (1.0, 11.0, LONG), (11.0, 12.0, "end")])]
    gap = 2 / 60
    cues = list(srt.parse(join.join_subtitles(files, [join.Chapter("One", 0.0, 20.0)], gap)))
    times = [(c.start.total_seconds(), c.end.total_seconds()) for c in cues]
    assert len(times) == 4 and times[0] == (0.0, pytest.approx(1.0 - gap, abs=1e-3))
    assert all(b[0] - a[1] >= gap - 1e-3 for a, b in zip(times, times[1:], strict=False))
    assert [a for a, _ in times] == pytest.approx([0.0, 1.0, 6.0, 11.0], abs=0.5)  # starts stay
    step = list(srt.parse(join.lay_out_subtitles((tmp_path / "a.srt").read_text(), gap)))
    assert [(c.start, c.end) for c in step] == [(c.start, c.end) for c in cues]
