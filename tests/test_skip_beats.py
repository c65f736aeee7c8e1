"""`skip_beats`: an example leaves beats out of the video and the deck; the checker refuses
a step or beat that does not exist (attention_explainer.beats reads them from the scenes)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from scene_harness import SHIPPED_APPLE

from attention_content.examples import output_name
from attention_explainer.beats import beat_names
from attention_explainer.cli import main
from attention_explainer.render import RenderOptions, render
from scenes.story import Step

ROOT = Path(__file__).resolve().parents[1]
TINY_CUT = '''
    from manim import Create, FadeOut, Square
    from scenes.base import ExplainerScene

    class TinyCut(ExplainerScene):
        def construct(self):
            self.beat("one", "One.")
            square = Square(color="#FFD166", fill_opacity=1)
            self.play(Create(square), run_time=0.6)
            self.beat("two", "Two, which the example leaves out.")
            self.play(square.animate.shift(2), run_time=1.5)
            self.beat("three", "Three.")
            self.play(FadeOut(square), run_time=0.4)
'''


def _example(path: Path, skip: str) -> Path:
    path.write_text(textwrap.dedent(f'''
        title = "Cut"
        skip_beats = [{skip}]
        [plane]
        x_axis = "a"
        y_axis = "b"
        [words]
        cat = [1.0, 2.0]
        dog = [2.0, 1.0]
        [[sentences]]
        text = "cat dog"
        focus = "cat"
        [[heads]]
        query = [[1.0, 0.0], [0.0, 1.0]]
        key = [[1.0, 0.5], [0.0, 1.0]]
        value = [[1.0, 0.0], [0.0, 1.0]]
        [multi_head]
        output = [[1.0, 0.0], [0.0, 1.0]]
    '''))
    return path


@pytest.mark.parametrize("slides", [False, True])
def test_a_skipped_beat_is_absent_from_the_subtitles_and_the_slides(tmp_path, slides):
    scene = tmp_path / "tiny_cut.py"
    scene.write_text(textwrap.dedent(TINY_CUT))
    story = (Step("tiny_cut", "TinyCut", "The cut", source=scene),)
    example = _example(tmp_path / "cut.toml", '"tiny_cut:two"')
    options = RenderOptions(example=str(example), quality="l", jobs=1, media_dir=tmp_path / "media",
                            resolution=(160, 90), fps=10, slides=slides)
    result = render(options, story, progress=lambda line: None)
    stem = f"attention-explainer-{output_name(example)}"
    cues = list(srt.parse((result.out_dir / f"{stem}.srt").read_text()))
    assert [c.content for c in cues] == ["One.", "Three."]
    # "three" starts where "one" ends (but for the 2 frames between cues): the cut beat's 1.5 s
    # are not in the video
    from attention_manim.cues import cue_gap

    assert (cues[1].start - cues[0].end).total_seconds() == pytest.approx(cue_gap(10), abs=1e-3)
    with av.open(str(result.video)) as container:
        seconds = float(container.duration) / av.time_base
    assert seconds == pytest.approx(cues[1].end.total_seconds(), abs=0.25)
    assert seconds < (len("One.") + len("Three.")) / 17 + 0.6 + 0.4 + 1.0  # not 1.5 s more
    if slides:
        deck = json.loads((result.runs[0].slides_dir / "TinyCut.json").read_text())["slides"]
        assert [s["notes"] for s in deck] == ["One.", "Three."]


def test_the_checker_refuses_an_unknown_step_or_beat(tmp_path, capsys):
    text = SHIPPED_APPLE.read_text()
    path = tmp_path / "cut.toml"
    path.write_text('skip_beats = ["gravity_pull:setting 1", "gravity:plane", "gravity_pull:setings 1"]\n'
                    + text)
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "2 problems" in err
    assert "skip_beats[2]: there is no step 'gravity'" in err
    assert "skip_beats[3]: step 'gravity_pull' has no beat 'setings 1'" in err and "'setting N'" in err
    path.write_text('skip_beats = ["gravity_pull:setting 1", "GravityPull:Pulls-2"]\n' + text)
    assert main(["check", str(path)]) == 0


def test_every_beat_a_key_frame_shows_is_a_known_name():
    """The names read from the scenes' source cover every beat the scenes really play (the
    key frames are named after them, for four examples)."""
    names = beat_names()
    shown = [(scene.name, frame.stem.split("-end-of-", 1)[1])
             for scene in (ROOT / "tests" / "keyframes").glob("*/*") for frame in scene.glob("*.png")]
    assert len(shown) > 300
    assert [(scene, beat) for scene, beat in shown if beat not in names[scene]] == []
    assert "setting 3" in names["gravity_pull"] and "settings 1" not in names["gravity_pull"]
    assert "apart" in names["cosine_similarity"]  # a name from a loop over a module's constant


def test_a_skipped_beat_has_no_storyboard_frame(tmp_path):
    import importlib.util

    from attention_content.examples import load_example
    from attention_manim.beat_frames import build_beats

    (tmp_path / "tiny_cut.py").write_text(textwrap.dedent(TINY_CUT))
    spec = importlib.util.spec_from_file_location("tiny_cut", tmp_path / "tiny_cut.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    example = load_example(_example(tmp_path / "cut.toml", '"TinyCut:two"'))
    built = build_beats(module.TinyCut, example, tmp_path, (64, 36), storyboard=True)
    assert list(built.frames) == ["00-end-of-one", "01-end-of-three"]
    assert [b[0] for b in built.scene.beats] == ["one", "three"]
    assert built.scene.narration == ["One.", "Three."]
    # the frame at the end of "one" shows the square where "one" left it, in the middle (the
    # cut "two" moves it 2 units, 9 px, to the right)
    yellow = np.argwhere(np.abs(built.frames["00-end-of-one"].astype(int) - (255, 209, 102)).max(axis=2) < 40)
    assert len(yellow) > 20 and abs(yellow[:, 1].mean() - 31.5) < 1.5
