"""The opening: the example's question with each sentence's meaning (recomputed here from the
file's numbers), the road of every chapter in story order, the credit to the talk said and
shown, nothing overlapping or off the frame, and its key frames."""

from __future__ import annotations

import pytest
from scene_harness import BuiltScene, build_scene, check_keyframes, outside_frame, overlapping_pairs

from scenes import style
from scenes.components import boxes_overlap
from scenes.opening import TALK, Opening, chapter_name
from scenes.story import STORY

BEATS = ["title", "question", "meanings", "attention", "credit", "road"]


@pytest.fixture(scope="module")
def built(example, tmp_path_factory) -> BuiltScene:
    return build_scene(Opening, example, tmp_path_factory.mktemp(example.name))


def said(built: BuiltScene) -> dict[str, str]:
    return {name: line for name, line, _, _ in built.scene.beats}


def shown(built: BuiltScene, beat: str) -> list[str]:
    return built.texts[f"{BEATS.index(beat):02d}-end-of-{beat}"]


def ink(text):
    """The colour a text is drawn in (its first glyph's fill)."""
    return text.submobjects[0].get_fill_color()


def meanings_by_hand(example) -> list[str]:
    """Each sentence's meaning: the axis on which its decider's first two numbers are larger."""
    result = []
    for s in example.sentences[:2]:
        first, second = example.words[s.decider][:2]
        result.append(example.x_axis if first >= second else example.y_axis)
    return result


def test_the_beats_are_the_question_the_answer_attention_the_credit_and_the_road(built):
    assert [name for name, *_ in built.scene.beats] == BEATS


def test_the_question_is_the_examples_word_in_its_own_sentences(built, example):
    focus = example.sentences[0].focus
    assert f"\u201c{focus}\u201d" in said(built)["question"]
    assert f"What does \u201c{focus}\u201d mean here?" in shown(built, "question")
    for row, s in zip(built.scene.rows, example.sentences, strict=True):
        assert [w.text for w in row.words] == list(s.tokens)
        assert ink(row.words[s.focus_index]) == style.FOCUS


def test_each_sentence_is_answered_with_the_meaning_its_decider_gives(built, example):
    meanings = meanings_by_hand(example)
    assert [a.text for a in built.scene.answers] == meanings
    line = said(built)["meanings"]
    assert f"is about {meanings[0]}, there about {meanings[1]}" in line
    assert all(s.decider in line for s in example.sentences)
    # each answer sits over its own sentence's focus word
    for answer, row, s in zip(built.scene.answers, built.scene.rows, example.sentences, strict=True):
        focus = row.words[s.focus_index]
        assert answer.get_bottom()[1] > focus.get_top()[1]
        assert abs(answer.get_center()[0] - focus.get_center()[0]) < 1e-6


def test_the_road_is_every_chapter_in_story_order_none_singled_out(built):
    road = built.scene.road
    # each chapter by the name the narration says, capitalised: "Context as gravity"
    names = [s.title.split(":")[0].split(",")[0] for s in STORY]
    assert [t.original_text for t in road.titles] == [n[:1].upper() + n[1:] for n in names]
    assert [stop[1].text for stop in road.stops] == [str(n) for n in range(1, len(STORY) + 1)]
    # the line reads the road ahead: no stop is singled out (the watch saw only 1 lit)
    assert all(ink(t) == style.TEXT for t in road.titles)
    assert all(ink(stop[1]) == style.TEXT and stop[0].get_stroke_color() == style.TEXT for stop in road.stops)
    line = said(built)["road"]  # every later chapter, by its title's first words, in order
    names = [s.title.split(":")[0].split(",")[0].lower() for s in STORY[1:]]
    assert [line.lower().index(n) for n in names] == sorted(line.lower().index(n) for n in names)


def test_every_number_sits_inside_its_ring_and_clear_of_its_name(built):
    """The watch: the circled 10-13 were too close to their names (two digits wider than a
    ring sized for one). Every number is 0.08 inside its ring either side, every ring is as
    wide, and every name starts 0.2 or more right of its ring, the names of a column in line.
    Seen failing on the old code: "10" (0.40 wide) in a ring of 0.48 left 0.04 a side."""
    road = built.scene.road
    widths = {round(stop[0].width, 6) for stop in road.stops}
    assert len(widths) == 1
    for stop, title in zip(road.stops, road.titles, strict=True):
        ring, number = stop
        assert ring.get_left()[0] + 0.08 <= number.get_left()[0]
        assert number.get_right()[0] <= ring.get_right()[0] - 0.08
        assert title.get_left()[0] - ring.get_right()[0] >= 0.2
    for column in (road.titles[:7], road.titles[7:]):
        assert max(t.get_left()[0] for t in column) - min(t.get_left()[0] for t in column) < 1e-6


def test_the_road_stays_up_long_enough_to_read_every_name(built):
    beats = {name: (start, end) for name, _, start, end in built.scene.beats}
    up = beats["road"][1] - built.scene.road_shown
    assert up >= sum(len(chapter_name(s.title)) for s in STORY) / style.READING_RATE


def test_the_road_is_up_no_longer_than_its_line_and_names_take_to_read(built):
    """The road ends the opening: up for its own beat only (its line, or its names if they take
    longer, and the fades), not also through another sentence."""
    scene = built.scene
    up = scene.beats[-1][3] - scene.road_shown  # once up, the road stays to the scene's end
    names = sum(len(chapter_name(s.title)) for s in STORY)
    assert up <= max(len(said(built)["road"]), names) / style.READING_RATE + 2 * style.BEAT
    assert scene.talk not in scene.mobjects  # the credit left before the road came


def test_the_talk_is_credited_said_and_shown(built):
    line = said(built)["credit"]
    assert TALK.speaker == "Luis Serrano" and TALK.channel == "Serrano.Academy"
    assert TALK.speaker in line and TALK.title in line and TALK.channel in line
    texts = shown(built, "credit")
    assert f"\u201c{TALK.title}\u201d" in texts and f"{TALK.speaker} \u00b7 {TALK.channel}" in texts


def test_nothing_overlaps_or_leaves_the_frame(built):
    scene = built.scene
    road = scene.road
    assert overlapping_pairs([*road.titles, *road.stops]) == []
    assert overlapping_pairs([*scene.talk[1], scene.talk[0]]) == []
    assert outside_frame([road, scene.talk]) == []
    words = [w for row in scene.rows for w in row.words]
    assert overlapping_pairs([scene.question, *words, *scene.answers, scene.note]) == []
    assert not any(boxes_overlap(arc, word) for arc in scene.arcs for word in words)
    assert outside_frame([scene.question, scene.rows, scene.answers, scene.note]) == []


def test_key_frames_match_control_data(built):
    assert check_keyframes(built) == []
