"""The narration lint (attention_explainer.narration_check): a number a beat says and its settled
frame does not print is a warning naming the step, the beat, the sentence, the number and the
frame's nearest numbers; in `check --narration` and beside the beat on the storyboard page.
(The shipped apple example says none: tests/test_narration_on_screen.py.)"""

from __future__ import annotations

import html
from pathlib import Path

from attention_explainer import narration_check
from attention_explainer.cli import main
from attention_explainer.narration_check import unseen_in_beat, unseen_in_step

RAW = "The raw keys. Apple's row gives orange 0.77 and buy 0.32. Each row sums to 1."


def test_a_number_said_and_not_printed_names_its_sentence_and_the_nearest_shown():
    texts = ["orange", "0.68", "buy 0.32", "A = softmax(QK^T)", "1.40", "\u22120.75", "0.1"]
    (unseen,) = unseen_in_beat("keys_and_queries", "raw", "03-end-of-raw", RAW, texts)
    assert (unseen.step, unseen.beat, unseen.said) == ("keys_and_queries", "raw", 0.77)
    assert unseen.sentence == "Apple's row gives orange 0.77 and buy 0.32."
    # nearest first: |0.68-0.77| = 0.09, |0.32-0.77| = 0.45, |1.40-0.77| = 0.63; 0.1 is 0.67 away,
    # -0.75 is 1.52 away
    assert unseen.nearest == ("0.68", "0.32", "1.40")
    assert unseen.warning.startswith('warning: keys_and_queries:raw: "Apple\'s row gives orange 0.77 and buy '
                                     '0.32." says 0.77; the frame shows 0.68, 0.32, 1.40')


def test_printed_to_two_places_a_minus_either_way_and_whole_numbers_are_not_counted():
    texts = ["0.766", "\u22120.21"]  # 0.77 and -0.21 as the frame prints them
    said = "Orange 0.77, buy \u22120.21 and -0.21, in 12 steps, T = 1."
    assert unseen_in_beat("s", "b", "00-end-of-b", said, texts) == []
    (far,) = unseen_in_beat("s", "b", "00-end-of-b", "It is 0.78.", texts)
    assert far.said == 0.78 and far.nearest == ("0.766", "-0.21")


def test_an_allowance_excuses_only_its_beat_and_its_words(monkeypatch):
    """The mechanism, on an allowance made up here (the shipped list is empty now)."""
    made_up = narration_check.Allowance("multi_head", "heads", r"'s add to", "a made-up reason")
    monkeypatch.setattr(narration_check, "ALLOWED", (made_up,))
    row = "Its own weights for apple (rounded, head 2's add to 0.99)."
    (allowed,) = unseen_in_beat("multi_head", "heads", "01-end-of-heads", row, ["0.40"])
    assert allowed.allowed == "a made-up reason"
    (elsewhere,) = unseen_in_beat("multi_head", "favourites", "02-end-of-favourites", row, ["0.40"])
    assert elsewhere.allowed == ""
    (other_words,) = unseen_in_beat("multi_head", "heads", "01-end-of-heads",
                                    "Head 2 puts 0.61 on orange.", ["0.40"])
    assert other_words.allowed == ""


def test_beats_and_frames_are_paired_from_the_last():
    """The first frame is taken only once something is drawn: a title beat with no frame of
    its own does not shift the others."""
    beats = [("title", "", 0.0, 1.0), ("raw", RAW, 1.0, 3.0), ("sum", "All 1.00.", 3.0, 4.0)]
    texts = {"00-end-of-raw": ["0.68", "0.32"], "01-end-of-sum": ["1.00"]}
    (unseen,) = unseen_in_step("keys_and_queries", texts, beats)
    assert (unseen.beat, unseen.key) == ("raw", "00-end-of-raw")


def test_check_narration_prints_each_number_said_and_not_shown(monkeypatch, capsys):
    """The recap broken on purpose (its heads beat says a vector no mobject shows), one step
    built to keep the test short: `check apple --narration` warns of it, with step, beat,
    sentence and the nearest numbers shown; without the flag nothing is built."""
    from scenes.recap import Recap

    def show_heads(self) -> None:
        self.say("heads", f"W_O maps the heads back: {self.numbers.focus} becomes (9.87, 2.91).")
        self.light(7)

    monkeypatch.setattr(Recap, "show_heads", show_heads)
    built = []
    whole = narration_check.check_example

    def one_step(example, only=(), **kwargs):
        built.append(example.name)
        return whole(example, ("recap",), **kwargs)

    monkeypatch.setattr(narration_check, "check_example", one_step)
    assert main(["check", "apple"]) == 0
    assert built == [] and "recap:" not in capsys.readouterr().out
    assert main(["check", "apple", "--narration"]) == 0
    lines = [w for w in capsys.readouterr().out.splitlines() if w.startswith("warning: recap:")]
    assert built == ["apple"] and len(lines) == 1, lines  # 2.91 is on screen: not reported
    head, shows = lines[0].split("; the frame shows ")
    assert head == 'warning: recap:heads: "W_O maps the heads back: apple becomes (9.87, 2.91)." says 9.87'
    nearest = [float(x) for x in shows.split(" (")[0].split(", ")]
    assert len(nearest) == 3 and all(abs(x - 9.87) >= 0.005 for x in nearest)  # 3 numbers, none 9.87
    assert [abs(x - 9.87) for x in nearest] == sorted(abs(x - 9.87) for x in nearest)  # nearest first


SAYS_MORE = """
from manim import DOWN, Text, VGroup
from scenes.base import ExplainerScene

class TinySays(ExplainerScene):
    def construct(self):
        self.beat("raw", "The raw keys give orange 0.77 and buy 0.32.")
        self.add(VGroup(Text("orange 0.68"), Text("buy 0.32")).arrange())
        self.wait(0.2)
        self.beat("sum", "Together 1.00.")
        self.add(Text("1.00").shift(2 * DOWN))
        self.wait(0.2)
"""


def test_the_storyboard_shows_the_warning_beside_its_beat(tmp_path: Path) -> None:
    from attention_explainer.storyboard import make_storyboard
    from scenes.story import Step

    (tmp_path / "tiny_says.py").write_text(SAYS_MORE)
    story = (Step("tiny_says", "TinySays", "Says more", source=tmp_path / "tiny_says.py"),)
    board = make_storyboard("apple", [], tmp_path / "media", size=(427, 240), story=story, jobs=1,
                            log=lambda line: None)
    rows = [line for line in (board / "storyboard.html").read_text().splitlines() if line.startswith("<tr>")]
    raw, total = (next(r for r in rows if f"<b>{name}</b>" in r) for name in ("raw", "sum"))
    warning = ('warning: tiny_says:raw: "The raw keys give orange 0.77 and buy 0.32." says 0.77; '
               "the frame shows 0.68, 0.32")
    assert html.escape(warning) in raw
    assert "warning" not in total
