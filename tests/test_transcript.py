"""The transcript: each beat's narration, its frame in words from the drawn numbers, matrices as
tables; and axe-core, in headless Chromium, finds nothing serious in it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from attention_content.examples import load_example
from attention_explainer.axe import run_axe
from attention_explainer.describe import Table, plain_formula
from attention_explainer.storyboard import StoryboardStep, _build_step
from attention_explainer.transcript import transcript_html, transcript_text
from scenes.story import STORY, find_step


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[StoryboardStep], Path]:
    """The similarity-table and attention-matrix steps of apple, as the storyboard builds them."""
    folder = tmp_path_factory.mktemp("transcript")
    example = load_example("apple")
    steps = [_build_step(STORY.index(find_step(name)) + 1, find_step(name), str(example.path), str(folder),
                         (427, 240)) for name in ("similarity_table", "attention_matrix")]
    return steps, folder


def tables_titled(steps: list[StoryboardStep], caption: str) -> list[Table]:
    return [t for step in steps for beat in step.beats for t in beat.tables if t.caption == caption]


def test_the_dot_product_table_is_the_sentences_gram_matrix(built: tuple[list[StoryboardStep], Path]) -> None:
    """Read back from the drawn grid, the first sentence's dot products equal x_i . x_j
    summed in a loop, labelled by its words."""
    steps, _ = built
    example = load_example("apple")
    sentence = example.sentences[0]
    table = tables_titled(steps, "dot products")[0]
    assert table.row_labels == table.col_labels == sentence.tokens
    x = example.embeddings(sentence)
    for i in range(len(sentence.tokens)):
        for j in range(len(sentence.tokens)):
            expected = sum(float(a) * float(b) for a, b in zip(x[i], x[j], strict=True))
            assert float(table.cells[i][j]) == pytest.approx(expected, abs=0.006), (i, j)


def test_every_beat_with_narration_has_alt_text_naming_what_is_drawn(
        built: tuple[list[StoryboardStep], Path]) -> None:
    steps, _ = built
    for step in steps:
        for beat in step.beats:
            if beat.narration:
                assert beat.alt and beat.alt != "An empty frame.", (step.module, beat.name)
    # the attention matrix's scores beat names Q and K transposed, with apple's query written out
    scores = next(b for b in steps[1].beats if "score" in b.narration.lower())
    assert "Q (5 by 2" in scores.alt and "Kᵀ (2 by 5" in scores.alt
    assert re.search(r"q = \(\d+\.\d\d, \d+\.\d\d\)", scores.alt)


def test_a_plane_s_axis_names_keep_their_spaces() -> None:
    """manim's Text.text drops spaces ('1stnumber'); the alt text reads the words as written."""
    from manim import Text

    from attention_explainer.frame_walk import text_of

    assert text_of(Text("1st number")) == "1st number"


def test_a_formula_is_written_as_text() -> None:
    assert plain_formula(r"\mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V") == \
        "softmax((Q Kᵀ) / (sqrt(d_k))) V"


class _Outline(HTMLParser):
    """Headings, images' alt texts, figure captions and table cells of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.alts: list[str] = []
        self.captions: list[str] = []
        self.cells: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")
        if tag in ("h1", "h2", "figcaption", "td"):
            self._open = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open in ("h1", "h2"):
            self.headings.append((self._open, data.strip()))
        elif self._open == "figcaption":
            self.captions.append(data)
        elif self._open == "td":
            self.cells.append(data)


def test_the_page_has_chapters_as_headings_each_narration_and_the_tables(
        built: tuple[list[StoryboardStep], Path]) -> None:
    steps, folder = built
    page = _Outline()
    page.feed(transcript_html(steps, folder, "Apple: fruit or phone?"))
    assert page.headings == [("h1", "Apple: fruit or phone?"),
                             *(("h2", f"{s.number}. {s.title}") for s in steps)]
    assert [s.title for s in steps] == ["Every pair of words: the similarity table", "The attention matrix"]
    narrated = [b for s in steps for b in s.beats if b.narration]
    assert page.captions == [b.narration for b in narrated]
    assert page.alts == [b.alt for b in narrated]
    shown = [c for s in steps for b in s.beats if b.narration
             for t in b.tables for row in t.cells for c in row]
    assert page.cells == shown and len(shown) > 50
    text = transcript_text(steps, "Apple: fruit or phone?")
    assert f"{steps[0].number}. Every pair of words: the similarity table\n---" in text
    assert all(" ".join(b.narration.split()[:6]) in " ".join(text.split()) for b in narrated)


def test_axe_finds_nothing_serious_in_the_transcript(built: tuple[list[StoryboardStep], Path],
                                                    tmp_path: Path) -> None:
    steps, folder = built
    page = tmp_path / "transcript.html"
    page.write_text(transcript_html(steps, folder, "Apple: fruit or phone?"), encoding="utf-8")
    findings = run_axe(page)
    assert [f for f in findings if f.impact in ("serious", "critical")] == [], "\n".join(map(str, findings))


def test_axe_sees_a_missing_alt_text_and_a_low_contrast(built: tuple[list[StoryboardStep], Path],
                                                       tmp_path: Path) -> None:
    """The same page, broken twice: the checker must say so (it is not a check that cannot fail)."""
    steps, folder = built
    page = tmp_path / "broken.html"
    text = transcript_html(steps, folder, "Apple: fruit or phone?")
    text = re.sub(r' alt="[^"]*"', "", text, count=1).replace("color: #1b1f24", "color: #b0b4ba")
    page.write_text(text, encoding="utf-8")
    rules = {f.rule for f in run_axe(page) if f.impact in ("serious", "critical")}
    assert {"image-alt", "color-contrast"} <= rules


def test_shown_numbers_never_read_minus_zero() -> None:
    from attention_explainer.describe import _number

    shown = [_number(v) for v in (-0.001, 0.004, -0.006, np.float64(1.005))]
    assert shown == ["0.00", "0.00", "-0.01", "1.00"]


# ------------------------------------------------ the alt text as a screen-reader user hears it

def _plane_with_ticks():
    """A plane whose tick values are written (on its axes, and taken out of them as the real
    model's scene does), an apple dot, apple's query as the keys chapter names it (q with the
    word as subscript) and orange's key (k with the word)."""
    from manim import MathTex, Text, VGroup

    from scenes.components.words import WordDot, WordPlane

    plane = WordPlane(np.array([[-1.0, -1.0], [3.0, 2.0]]), "technology", "fruit", numbers=True)
    ticks = VGroup(*plane.axes.x_axis.numbers)
    plane.axes.x_axis.remove(plane.axes.x_axis.numbers)  # the x ticks placed apart, as real_model does

    def tagged(symbol: str, word: str, coords) -> WordDot:
        dot = WordDot(plane, word, coords, "#ffffff")
        dot.remove(dot.label)
        dot.label = VGroup(MathTex(symbol), Text(word))
        dot.add(dot.label)
        return dot

    dots = [WordDot(plane, "apple", (1.5, 1.6), "#ffffff"), tagged(r"\vec q", "apple", (2.08, 1.29)),
            tagged(r"\vec k", "orange", (3.0, 2.0))]
    return plane, ticks, dots


def test_tick_values_are_not_read_as_data_the_range_is_said_once() -> None:
    """Seen failing before frame_walk.tick_numbers: 'Text: -1 | 1 | 2 | 3 | ...' after the points."""
    from attention_explainer.describe import describe_frame

    plane, ticks, dots = _plane_with_ticks()
    alt = describe_frame([plane, ticks, *dots]).alt
    assert plane.scale_used.x_range[:2] == (-1.5, 3.5)
    assert "horizontal axis 'technology' from -1.5 to 3.5, vertical axis 'fruit' from -1.5 to 2.5" in alt
    assert "Text:" not in alt, alt  # no tick value is read as a number on screen
    assert alt.count("technology") == 1


def test_a_words_query_and_key_are_named_as_such() -> None:
    """Seen failing on the old describe: 'Points: apple (1.50, 1.60); apple (2.08, 1.29); orange ...'."""
    from attention_explainer.describe import describe_frame

    plane, ticks, dots = _plane_with_ticks()
    alt = describe_frame([plane, ticks, *dots]).alt
    assert "apple (1.50, 1.60); apple's query (2.08, 1.29); orange's key (3.00, 2.00)." in alt, alt


def test_two_planes_each_with_its_own_points() -> None:
    from attention_explainer.describe import describe_frame
    from scenes.components.words import WordDot, WordPlane

    planes = [WordPlane(np.array([[0.0, 0.0], [3.0, 3.0]]), "technology", "fruit"),
              WordPlane(np.array([[-0.4, -0.3], [0.1, 0.3]]), "technology", "fruit")]
    alt = describe_frame([planes[0], WordDot(planes[0], "apple alone", (1.5, 1.6), "#ffffff"),
                          planes[1], WordDot(planes[1], "apple alone", (-0.12, 0.06), "#ffffff")]).alt
    assert "Plane 1, horizontal axis 'technology'" in alt
    assert "'fruit' from -0.5 to 3.5: apple alone (1.50, 1.60)." in alt
    assert "Plane 2" in alt and alt.endswith(": apple alone (-0.12, 0.06).")


def test_a_readout_is_one_line_and_faint_text_is_read_apart() -> None:
    """A counter reads 'step = 60', not 'step = | 60'; a station still to come (drawn at 0.3)
    is not read as if it were shown (seen failing: 'Text: later | step = | 60.')."""
    from manim import Text

    from attention_explainer.describe import describe_frame
    from scenes.components.readout import Readout

    later = Text("later").set_opacity(0.3)
    alt = describe_frame([later, Readout(r"\text{step}", 60, decimals=0), Text("now")]).alt
    assert alt == "Text: step = 60 | now. Drawn faint: later."


def test_a_loss_plot_is_its_axes_and_its_reference_line() -> None:
    from attention_explainer.describe import describe_frame
    from scenes.components.curves import LossPlot

    plot = LossPlot(np.array([4.3, 2.0, 1.0, 0.7]), 4.25, width=4.0, height=3.0)
    alt = describe_frame([plot]).alt
    assert alt == ("A plot, horizontal axis 'step' from 0 to 3, vertical axis 'loss' from 0 to 5; "
                   "a dashed line 'guessing' at 4.25.")


def test_the_alt_text_and_the_colour_check_walk_a_frame_alike() -> None:
    """One walk (attention_explainer.frame_walk) for both readers of a settled frame."""
    from attention_explainer import access_check, describe, frame_walk

    assert access_check.walk is describe.walk is frame_walk.walk
    assert access_check.text_of is describe.text_of is frame_walk.text_of


def test_a_legend_names_the_dots_and_a_symbol_names_its_word() -> None:
    """The keys chapter: its dots are keys (its legend says so) and "q apple = (2.08, 1.29)" is
    apple's query. Seen failing on the old describe: 'Points: orange (3.88, 2.76)' and
    'Text: ... q | apple | = (2.08,\\ 1.29)'."""
    from manim import MathTex, Text, VGroup

    from attention_explainer.describe import describe_frame
    from scenes.components.words import WordDot, WordPlane

    plane = WordPlane(np.array([[0.0, 0.0], [4.0, 3.0]]), "1st number", "2nd number")
    key = WordDot(plane, "orange", (3.88, 2.76), "#ffffff")
    own = WordDot(plane, "orange", (0.6, 3.2), "#ffffff")  # the values chapter's x_orange, beside the values
    own.remove(own.label)
    own.label = VGroup(MathTex(r"\vec x"), Text("orange"))
    own.add(own.label)
    tag = VGroup(MathTex(r"\vec q"), Text("apple"))
    alt = describe_frame([plane, key, own, Text("dots: keys, k = x W_K"), tag,
                          MathTex(r"= (2.08,\ 1.29)")]).alt
    assert ": orange's key (3.88, 2.76); orange's embedding (0.60, 3.20)." in alt, alt
    assert "Text: dots: keys, k = x W_K | apple's query = (2.08, 1.29)." in alt, alt


def test_the_pieces_of_one_line_are_read_as_one() -> None:
    """The cosine chapter writes "a = apple = (1.50, 1.60)" in eight pieces."""
    from manim import DecimalNumber, MathTex, Text

    from attention_explainer.describe import describe_frame

    pieces = [MathTex("a ="), Text("apple"), MathTex("= ("), DecimalNumber(1.5), MathTex(","),
              DecimalNumber(1.6), MathTex(")"), MathTex(r"\cos\theta ="), DecimalNumber(0.84)]
    assert describe_frame(pieces).alt == "Text: a = apple = (1.50, 1.60) | cos θ = 0.84."
