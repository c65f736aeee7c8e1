"""The similarity-table scene: its cells are the core's similarity matrices, its boxes mark the
focus's largest other entry, and its narration names that entry with the table's number; it
calls the winner the decider only when the story's claim holds."""

from __future__ import annotations

import numpy as np
import pytest
from scene_harness import (
    BuiltScene,
    ProbedAtBeatEnds,
    apple_with,
    build_scene,
    check_keyframes,
    narration_numbers,
    outside_frame,
    overlapping_pairs,
    subtitles,
)

from attention_content.examples import load_example
from attention_content.story import claim
from attention_core import similarity_matrix
from scenes.components import boxes_overlap
from scenes.components.flat import FlatFadeIn, FlatFadeOut
from scenes.components.matrices import PixelCrossfade, signed_colors
from scenes.similarity_table import SimilarityTable
from scenes.style import POSITIVE

BEATS = ["title", "dot products", "focus row", "cosines", "cosine row", "other sentence", "other row"]


def line_of(scene, name: str) -> str:
    """The narration of the beat called ``name`` (a lesson beat may come between the others)."""
    return next(line for beat, line, *_ in scene.beats if beat == name)


class ProbedSimilarityTable(ProbedAtBeatEnds, SimilarityTable):
    """The scene, with the table and its marks recorded at the end of every beat."""

    def probe(self) -> dict | None:
        if not hasattr(self, "table"):
            return None
        on_screen = set(self.get_mobject_family_members())
        table = self.table

        def cell_of(mark) -> tuple[int, int]:
            rows, cols = table.values.shape
            return next((r, c) for r in range(rows) for c in range(cols)
                        if np.allclose(mark.get_center(), table.cell_center(r, c), atol=1e-6))

        ranking = getattr(self, "ranking", None)
        cells = [m for m in self.marks if m in on_screen and m is not ranking]
        state = {"kind": self.trace.kind, "values": table.values.copy(), "shown": table.shown_numbers(),
                 "marks": [cell_of(m) for m in cells]}
        if ranking is not None and ranking in on_screen:
            rows = ranking[0].rows
            state["ranking"] = [(row[0].original_text, float(row[1].text)) for row in rows]
            state["ranking_boxed"] = [row[0].original_text for row in rows
                                      if boxes_overlap(self.ranked_box, row)]
        return state


ProbedSimilarityTable.__name__ = SimilarityTable.__name__  # its key frames are the scene's



def row_of(example, number: int, kind: str) -> dict[str, float]:
    """The focus's similarity with every word of a sentence, by loops (dot or cosine)."""
    sentence = example.sentences[number]
    f = example.words[sentence.focus]
    row = {}
    for word in sentence.tokens:
        w = example.words[word]
        dot = sum(x * y for x, y in zip(f, w, strict=True))
        row[word] = dot if kind == "dot" else dot / (np.sqrt(f @ f) * np.sqrt(w @ w))
    return row


def largest_other(example, number: int, kind: str) -> tuple[str, float]:
    row = row_of(example, number, kind)
    focus = example.sentences[number].focus
    return max(((w, v) for w, v in row.items() if w != focus), key=lambda p: p[1])


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(ProbedSimilarityTable, example, tmp_path_factory.mktemp(example.name))


def test_last_table_is_the_last_sentences_dot_products(built, example):
    e = example.embeddings(len(example.sentences[:2]) - 1)
    expected = similarity_matrix(e, e).matrix
    np.testing.assert_allclose(built.scene.table.values, expected)
    np.testing.assert_allclose(built.scene.table.shown_numbers(), expected, atol=0.005)
    assert [t.text for t in built.scene.table.col_labels] == list(example.sentences[-1].tokens)


@pytest.mark.parametrize(("beat", "number", "kind"),
                         [("focus row", 0, "dot"), ("cosine row", 0, "cosine"), ("other row", 1, "dot")])
def test_each_row_beat_boxes_and_says_the_largest_other_entry(built, example, beat, number, kind):
    sentence = example.sentences[number]
    state = built.scene.at_end[beat]
    assert state["kind"] == kind
    np.testing.assert_allclose(state["values"][sentence.focus_index],
                               [row_of(example, number, kind)[w] for w in sentence.tokens])
    word, value = largest_other(example, number, kind)
    assert word == sentence.decider  # the shipped examples are made so
    i = sentence.focus_index
    assert state["marks"][0] == (i, sentence.tokens.index(word))
    assert state["shown"][state["marks"][0]] == pytest.approx(value, abs=0.005)
    line = built.scene.narration[BEATS.index(beat)]
    said = narration_numbers(line)
    assert said[0] == pytest.approx(value, abs=0.005)
    if kind == "dot":  # the focus with itself, said and marked
        own = row_of(example, number, kind)[sentence.focus]
        assert f"{sentence.focus} with itself" in line
        assert said == pytest.approx([value, own], abs=0.005)
        assert state["marks"][1] == (i, i)
    else:
        assert f"{word} is {sentence.focus}'s most similar other word" in line and len(said) == 1


@pytest.mark.parametrize(("beat", "number", "kind"),
                         [("focus row", 0, "dot"), ("cosine row", 0, "cosine"), ("other row", 1, "dot")])
def test_beside_the_table_the_focus_row_is_ranked_and_its_winner_boxed(built, example, beat, number, kind):
    sentence = example.sentences[number]
    state = built.scene.at_end[beat]
    row = row_of(example, number, kind)
    names = {w: f"{w} (itself)" if w == sentence.focus else w for w in row}
    expected = sorted(((names[w], v) for w, v in row.items()), key=lambda p: -p[1])
    assert [w for w, _ in state["ranking"]] == [w for w, _ in expected][:len(state["ranking"])]
    np.testing.assert_allclose([v for _, v in state["ranking"]],
                               [v for _, v in expected][:len(state["ranking"])], atol=0.005)
    assert state["ranking_boxed"] == [largest_other(example, number, kind)[0]]


def test_the_focus_is_never_said_to_be_its_own_neighbour(built):
    assert not any("apart from itself" in line for line in built.scene.narration)


def test_a_focus_whose_own_entry_is_largest_still_names_the_largest_other(tmp_path):
    # apple made long: apple . apple is the largest entry of its row, orange the largest other
    broken = apple_with(tmp_path, ("apple   = [1.5, 1.6]", "apple   = [2.5, 2.6]"))
    row = row_of(broken, 0, "dot")
    assert row["apple"] > max(v for w, v in row.items() if w != "apple")
    assert claim(broken, "top_dot_is_decider", 0).holds
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "focus row")
    assert "another word is orange's" in line and "apple with itself" in line
    assert narration_numbers(line) == pytest.approx([row["orange"], row["apple"]], abs=0.005)
    focus, tokens = broken.sentences[0].focus_index, broken.sentences[0].tokens
    assert scene.at_end["focus row"]["marks"] == [(focus, tokens.index("orange")), (focus, focus)]


def test_when_the_dot_product_winner_is_not_the_decider_both_are_named(tmp_path):
    # "and" made long and aimed like apple: the largest dot product, though orange decides
    broken = apple_with(tmp_path, ("and     = [0.4, -0.5]", "and     = [3.0, 3.0]"))
    assert not claim(broken, "top_dot_is_decider", 0).holds
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "focus row")
    row = row_of(broken, 0, "dot")
    assert "largest dot product with another word is and's" in line and "orange's is" in line
    assert narration_numbers(line) == pytest.approx([row["and"], row["orange"]], abs=0.005)
    focus, tokens = broken.sentences[0].focus_index, broken.sentences[0].tokens
    marks = scene.at_end["focus row"]["marks"]
    assert marks == [(focus, tokens.index("and")), (focus, tokens.index("orange"))]
    # nor does the cosine beat call "and" or orange the decider by cosine if that fails too
    assert not claim(broken, "top_cosine_is_decider", 0).holds
    assert "orange is apple's most similar" not in line_of(scene, "cosine row")


def test_when_the_cosine_winner_is_not_the_decider_both_are_named(tmp_path):
    # buy turned onto apple's direction, short: the largest cosine, not the largest dot product
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [0.75, 0.8]"))
    assert claim(broken, "top_dot_is_decider", 0).holds
    assert not claim(broken, "top_cosine_is_decider", 0).holds
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "cosine row")
    row = row_of(broken, 0, "cosine")
    assert "apple's most similar other word is buy" in line and "orange has" in line
    assert narration_numbers(line) == pytest.approx([row["buy"], row["orange"]], abs=0.005)
    assert "orange is apple's most similar" not in line


def test_when_the_other_sentences_winner_is_not_its_decider_both_are_named(tmp_path):
    broken = apple_with(tmp_path, ("new     = [0.7, -0.4]", "new     = [3.0, 3.0]"))
    assert not claim(broken, "top_dot_is_decider", 1).holds
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "other row")
    row = row_of(broken, 1, "dot")
    assert "is new's" in line and "phone's is" in line
    assert narration_numbers(line) == pytest.approx([row["new"], row["phone"]], abs=0.005)


def test_narration_is_written_as_subtitles_and_short(built):
    said = [line for line in built.scene.narration if line]
    assert [text for _, _, text in subtitles(built)] == said
    assert len(said) == len(BEATS) - 1
    assert all(len(line) <= 110 for line in said), [len(line) for line in said]
    assert "which attention uses" in said[BEATS.index("other sentence") - 1]


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []


class TransitionProbe(ProbedSimilarityTable):
    """The scene, with the animations of every play recorded with their beat."""

    def setup(self) -> None:
        super().setup()
        self.plays: list[tuple[str | None, list]] = []

    def play(self, *animations, **kwargs) -> None:
        self.plays.append((self._probe_name, list(animations)))
        super().play(*animations, **kwargs)


def test_numbers_and_captions_go_before_others_come_in_their_place(tmp_path):
    apple = load_example("apple")
    scene = build_scene(TransitionProbe, apple, tmp_path, fresh=True).scene
    # dot products -> cosines: the cells take the cosines' colours as the dot products' numbers
    # fade (bare cells, one colour each), then the cosines' numbers fade in
    fades = [a for beat, anims in scene.plays if beat == "cosines"
             for a in anims if isinstance(a, PixelCrossfade)]
    assert len(fades) == 2
    bare, printed = (np.rint(f.start + f.change) for f in fades)
    cosines = similarity_matrix(apple.embeddings(0), apple.embeddings(0), kind="cosine").matrix
    n = len(cosines)
    h, w = bare.shape[0] // n, bare.shape[1] // n
    cells = bare[:, :, :3].reshape(n, h, n, w, 3)
    assert (cells == cells[:, :1, :, :1]).all()  # no numbers: each cell one colour
    colors = (np.clip(signed_colors(cosines, POSITIVE, 1.0), 0, 1) * 255).astype(np.uint8)
    np.testing.assert_array_equal(cells[:, 0, :, 0], colors)
    assert (printed != bare).any()  # then the cosines' numbers
    # one sentence -> the other: everything fades out in one play, the next sentence comes in the next
    other = [anims for beat, anims in scene.plays if beat == "other sentence"]
    assert [[type(a) for a in anims] for anims in other[-2:]] == [[FlatFadeOut], [FlatFadeIn]]


def test_cells_filled_one_by_one_are_the_tables_own_pixels(built, example):
    table = built.scene.table
    i = example.sentences[-1].focus_index
    piece = table.cell_image(i, 0)
    h = table.image.pixel_array.shape[0] // table.values.shape[0]
    np.testing.assert_array_equal(piece.pixel_array, table.image.pixel_array[i * h:(i + 1) * h, :h])
    np.testing.assert_allclose(piece.get_center(), table.cell_center(i, 0), atol=1e-6)
    assert piece.width == pytest.approx(table.cell)


def test_a_32_word_table_labels_stay_apart(long_example, tmp_path):
    table = build_scene(SimilarityTable, long_example, tmp_path).scene.table
    for labels in (table.row_labels, table.col_labels):
        assert overlapping_pairs(list(labels)) == [] and outside_frame(list(labels)) == []
    assert long_example.sentences[-1].focus_index in table.labelled


def test_dot_products_that_print_alike_are_said_to_tie_not_ranked(tmp_path):
    # buy turned and stretched: 6.024 with apple against orange's 6.020, both printed 6.02
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [2.0, 1.89]"))
    row = row_of(broken, 0, "dot")
    assert row["buy"] > row["orange"] and f"{row['buy']:.2f}" == f"{row['orange']:.2f}"
    assert not claim(broken, "top_dot_is_decider", 0).holds
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "focus row")
    assert line == "In apple's row, buy and orange tie for the largest dot product with another word, 6.02."
    focus, tokens = broken.sentences[0].focus_index, broken.sentences[0].tokens
    marks = scene.at_end["focus row"]["marks"]
    assert marks == [(focus, tokens.index("buy")), (focus, tokens.index("orange"))]
    assert not any("with another word is buy" in n or "is orange's" in n for n in scene.narration)


def test_a_decider_first_by_a_margin_that_does_not_print_does_not_win(tmp_path):
    # orange first by 6.020 against buy's 6.016: both printed 6.02, so the claim fails and the
    # scene says they tie (the checker warns, naming both)
    broken = apple_with(tmp_path, ("buy     = [0.5, -0.3]", "buy     = [2.0, 1.885]"))
    row = row_of(broken, 0, "dot")
    assert row["orange"] > row["buy"] and f"{row['buy']:.2f}" == f"{row['orange']:.2f}"
    verdict = claim(broken, "top_dot_is_decider", 0)
    assert not verdict.holds and "orange and buy both print 6.02" in verdict.numbers
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    line = line_of(scene, "focus row")
    assert line == "In apple's row, orange and buy tie for the largest dot product with another word, 6.02."
    focus, tokens = broken.sentences[0].focus_index, broken.sentences[0].tokens
    marks = scene.at_end["focus row"]["marks"]
    assert marks == [(focus, tokens.index("orange")), (focus, tokens.index("buy"))]


def test_a_dot_product_winner_that_is_not_the_decider_is_taught_as_a_lesson(tmp_path):
    # issue 32: "and" wins the row; the chapter says what that shows, its table held
    broken = apple_with(tmp_path, ("and     = [0.4, -0.5]", "and     = [3.0, 3.0]"))
    scene = build_scene(ProbedSimilarityTable, broken, tmp_path).scene
    helps = claim(broken, "head_sharpens", 0).holds
    assert line_of(scene, "lesson 1") == (
        "Raw dot products do not single out orange, the word that decides apple here; "
        + ("keys and queries, later, help." if helps else "later chapters look for what does."))
    assert scene.at_end["lesson 1"]["marks"] == scene.at_end["focus row"]["marks"]
    assert "lesson 2" not in [name for name, *_ in scene.beats]
