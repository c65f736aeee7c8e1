"""The manim patches (attention_manim/manim_patches/) change no pixel: glyphs keep exactly
their points without their parsed SVG path, copies and families are manim's, the lean camera
draws images exactly as manim's camera does; they are applied only when asked, refused on
another manim, and ATTENTION_SPEEDUPS=0 renders the same frames with manim's own code."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from manim import RIGHT, Camera, ImageMobject, MathTex, Square, Text, tempconfig
from manim.constants import RESAMPLING_ALGORITHMS
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath

from attention_manim import manim_patches as speedups
from attention_manim.manim_patches import copies
from scenes import style


@pytest.fixture(autouse=True, scope="module")
def _patched():
    """The patches in place, as every scene has them (ExplainerScene applies them)."""
    assert speedups.apply()
    yield


def _glyphs(mobject):
    return [m for m in mobject.get_family() if isinstance(m, VMobjectFromSVGPath)]


def test_applying_twice_wraps_once_and_remove_puts_manims_code_back():
    from manim import Mobject

    assert speedups.applied()
    patched = len(speedups._state["applied"])
    speedups.apply()  # idempotent: applying twice does not wrap twice
    assert speedups.applied() and len(speedups._state["applied"]) == patched
    assert {"generate_points", "__deepcopy__", "get_family"} <= {p.name for p in speedups._state["applied"]}
    speedups.remove()
    try:
        assert not speedups.applied()
        assert VMobjectFromSVGPath.generate_points is copies._MANIM_GENERATE_POINTS
        assert Mobject.__deepcopy__ is copies._MANIM_DEEPCOPY
        assert Mobject.get_family is copies._MANIM_GET_FAMILY
    finally:
        speedups.apply()


def test_glyphs_keep_no_parsed_path_and_copies_keep_their_points():
    text = Text("apple · phone", font=style.FONT)
    glyphs = _glyphs(text)
    assert len(glyphs) == 11 and all(g.path_obj is None for g in glyphs)
    twin = copy.deepcopy(text)
    for glyph, copied in zip(glyphs, _glyphs(twin), strict=True):
        assert glyph.points.shape[0] > 0
        np.testing.assert_array_equal(glyph.points, copied.points)


def test_the_points_are_those_manim_makes_itself(monkeypatch):
    lean = [MathTex(r"\cos\theta = 0.83"), Text("gravity", font=style.FONT)]
    monkeypatch.setattr(VMobjectFromSVGPath, "generate_points", copies._MANIM_GENERATE_POINTS)
    # another TeX string than above, so the SVG cache cannot hand back the lean glyphs
    plain = [MathTex(r"\cos\theta = 0.83", tex_environment="align*"),
             Text("gravity", font=style.FONT)]
    assert all(g.path_obj is not None for g in _glyphs(plain[1]))
    for lean_mob, plain_mob in zip(lean, plain, strict=True):
        for a, b in zip(_glyphs(lean_mob), _glyphs(plain_mob), strict=True):
            np.testing.assert_allclose(a.points, b.points)


def _images():
    """Half-transparent, scaled, shifted, rotated, partly or wholly off-frame, edge-on and
    nearest-neighbour images over a square."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(12, 20, 4), dtype=np.uint8)
    pixels[:4, :, 3] = 0  # a transparent band whose colour channels are not zero
    nearest = ImageMobject(pixels).scale(5).shift(np.array([-5.3, 2.1, 0]))
    nearest.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    return [Square(2.0, fill_opacity=0.6, color=style.FOCUS),
            ImageMobject(pixels).scale(8).shift(0.3 * np.array([1, 1, 0])),
            ImageMobject(pixels).scale(3).rotate(0.4).shift(np.array([-2.0, 1.0, 0])),
            ImageMobject(pixels).scale(6).shift(np.array([6.5, -3.5, 0])),  # off bottom-right
            ImageMobject(pixels).scale(6).shift(np.array([-7.1, 3.9, 0])),  # off top-left
            ImageMobject(pixels).scale(4).stretch(0.001, 1),  # edge-on: manim draws nothing
            ImageMobject(pixels).scale(4).shift(np.array([30.0, 0, 0])),  # wholly off frame
            nearest,
            _one_to_one(pixels, 37, 101),  # one image pixel per frame pixel: copied, not resampled
            _one_to_one(pixels, -7, 175)]  # ... and cut at the frame's edges


def _one_to_one(pixels, left, top):
    """A nearest-neighbour image whose pixels lie one on one on the frame's, top-left at
    frame pixel (left, top)."""
    from manim import config

    unit = config.frame_width / config.pixel_width
    image = ImageMobject(pixels)
    image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    image.stretch_to_fit_width(pixels.shape[1] * unit).stretch_to_fit_height(pixels.shape[0] * unit)
    corner = np.array([(left - config.pixel_width / 2) * unit, (config.pixel_height / 2 - top) * unit, 0])
    return image.shift(corner - image.get_corner(np.array([-1, 1, 0])))


@pytest.mark.parametrize("transparent", [False, True])
def test_the_lean_camera_draws_images_exactly_as_manims(transparent):
    with tempconfig({"pixel_width": 320, "pixel_height": 180, "transparent": transparent}):
        frames = []
        for camera_class in (Camera, speedups.LeanCamera):
            camera = camera_class()
            camera.capture_mobjects(_images())
            frames.append(camera.pixel_array.copy())
    assert frames[0][..., 3].min() < 255 if transparent else frames[0][..., 3].min() == 255
    assert len(np.unique(frames[0].reshape(-1, 4), axis=0)) > 100  # the images were drawn
    np.testing.assert_array_equal(frames[1], frames[0])


def test_a_live_number_retypesets_only_when_its_text_changes():
    from manim import DecimalNumber

    from scenes.components.readout import LiveNumber

    live, plain = LiveNumber(0.731, num_decimal_places=2), DecimalNumber(0.731, num_decimal_places=2)
    glyphs = list(live.submobjects)
    live.set_value(0.734)  # still "0.73": the same glyphs, the new value
    assert live.submobjects == glyphs and live.get_value() == 0.734
    for value in (0.736, -0.004, 12.5, -3.25):
        live.set_value(value)
        plain.set_value(value)
        assert live.get_value() == value and live.shown_text == plain._get_num_string(value)
        assert len(live.submobjects) == len(plain.submobjects)
        np.testing.assert_allclose(live.get_center(), plain.get_center(), atol=1e-6)
    live.group_with_commas, big = False, 1203.55
    live.set_value(big)
    assert live.shown_text == "1203.55" and len(live.submobjects) == 7


def test_count_to_ends_on_the_exact_value_with_its_text():
    from manim import linear

    from scenes.components.readout import CountTo, Readout

    readout = Readout(r"\text{loss}", 4.27)
    count = CountTo(readout, 0.7312, rate_func=linear)
    count.begin()
    count.interpolate(0.5)
    assert readout.number.get_value() == pytest.approx((4.27 + 0.7312) / 2)
    assert readout.number.shown_text == "2.50"
    count.interpolate(1.0)
    assert readout.number.get_value() == 0.7312 and readout.number.shown_text == "0.73"
    assert readout.number.get_left()[0] > readout.label.get_right()[0]  # still beside its label


def test_a_pixel_crossfade_blends_into_the_target_exactly():
    from manim import linear

    from scenes.components.matrices import PixelCrossfade

    rng = np.random.default_rng(1)
    start, target = (rng.integers(0, 256, size=(6, 8, 4), dtype=np.uint8) for _ in range(2))
    image = ImageMobject(start.copy())
    fade = PixelCrossfade(image, target, rate_func=linear)
    fade.begin()
    assert np.array_equal(image.pixel_array, start)
    fade.interpolate(0.25)
    expected = np.rint(start + 0.25 * (target.astype(float) - start)).astype(np.uint8)
    np.testing.assert_array_equal(image.pixel_array, expected)
    fade.interpolate(1.0)
    np.testing.assert_array_equal(image.pixel_array, target)
    with pytest.raises(ValueError, match="cannot crossfade"):
        PixelCrossfade(image, target[:3])


def test_the_lean_camera_redraws_a_changed_image_and_reuses_an_unchanged_one():
    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        mobjects = _images()
        lean, plain = speedups.LeanCamera(), Camera()
        lean.capture_mobjects(mobjects)
        misses = lean.patch_misses
        lean.reset()
        lean.capture_mobjects(mobjects)
        assert lean.patch_misses == misses and lean.patch_hits == misses
        mobjects[1].set_opacity(0.4)
        mobjects[2].shift(0.01 * np.array([1, 0, 0]))
        for camera in (lean, plain):
            camera.reset()
            camera.capture_mobjects(mobjects)
        assert lean.patch_misses == misses + 2
        np.testing.assert_array_equal(lean.pixel_array, plain.pixel_array)


def _same(a, b, seen=None) -> None:
    """Assert two deep copies are equal, attribute by attribute (arrays by value)."""
    seen = set() if seen is None else seen
    if id(a) in seen:
        return
    seen.add(id(a))
    assert type(a) is type(b)
    if isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y, seen)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key], seen)
    elif hasattr(a, "__dict__") and not callable(a):
        _same(vars(a), vars(b), seen)
    else:
        assert a == b or a is b


def _mobjects():
    from manim import Axes, DecimalNumber, VGroup

    from scenes.components.matrices import MatrixGrid, cell_colors

    values = np.arange(6.0).reshape(2, 3) / 6
    grid = MatrixGrid(values, cell_colors(values, style.FOCUS), 0.5, row_labels=["a", "b"],
                      col_labels=["x", "y", "z"], title="W", numbers="image")
    square = Square(1.5, color=style.KEY, fill_opacity=0.3)
    shared = VGroup(VGroup(square), Text("apple", font=style.FONT), VGroup(square))  # one square twice
    return [Text("apple · phone", font=style.FONT), MathTex(r"\frac{q \cdot k}{\sqrt{d}}"),
            DecimalNumber(0.731), grid, Axes(x_range=[0, 3], y_range=[0, 2]), shared]


@pytest.mark.parametrize("index", range(6))
def test_a_fast_copy_equals_manims_own_and_shares_nothing(index, monkeypatch):
    from manim import Mobject

    mobject = _mobjects()[index]
    fast = copy.deepcopy(mobject)
    monkeypatch.setattr(Mobject, "__deepcopy__", copies._MANIM_DEEPCOPY)
    plain = copy.deepcopy(mobject)
    _same(vars(fast), vars(plain))
    before = copy.deepcopy(mobject)
    for original, copied in zip(mobject.get_family(), fast.get_family(), strict=True):
        assert copied is not original and copied.points is not original.points or not len(original.points)
        assert copied.original_id == str(id(original))
        if hasattr(original, "fill_rgbas"):
            assert copied.color is not original.color and copied.color == original.color
    fast.shift(np.array([1.0, 0, 0])).set_color(style.NEGATIVE)  # changing the copy ...
    _same(vars(before), vars(copy.deepcopy(mobject)))  # ... leaves the original as it was


def test_a_member_twice_in_a_group_is_one_object_in_the_copy():
    group = _mobjects()[5]
    twin = copy.deepcopy(group)
    assert twin[0][0] is twin[2][0] is not group[0][0]


def test_a_family_is_the_list_manim_makes(monkeypatch):
    from manim import Mobject, VGroup

    class OwnFamily(VGroup):  # a subclass with its own get_family is asked for it
        def get_family(self, recurse=True):
            return [self]

    inner = Square()
    hidden = OwnFamily(Square())
    trees = [*_mobjects(), VGroup(VGroup(inner, Square()), inner, VGroup(inner), hidden)]
    fast = [tree.get_family() for tree in trees]
    monkeypatch.setattr(Mobject, "get_family", copies._MANIM_GET_FAMILY)
    for tree, got in zip(trees, fast, strict=True):
        assert [id(m) for m in got] == [id(m) for m in tree.get_family()]
    assert hidden.submobjects[0] not in fast[-1]


def test_an_image_asking_to_be_copied_lands_on_the_nearest_whole_pixels():
    from manim import config

    with tempconfig({"pixel_width": 320, "pixel_height": 180}):
        rng = np.random.default_rng(2)
        pixels = rng.integers(0, 256, size=(10, 14, 4), dtype=np.uint8)
        pixels[..., 3] = 255
        unit = config.frame_width / config.pixel_width
        image = _one_to_one(pixels, 50, 60)
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        image.pixel_for_pixel = True
        image.shift(np.array([0.3 * unit, -0.4 * unit, 0]))  # 0.3 px right, 0.4 px down
        camera = speedups.LeanCamera()
        camera.capture_mobjects([image])
        np.testing.assert_array_equal(camera.pixel_array[60:70, 50:64], pixels)
        image.scale(1.2)  # no longer one to one: resampled, as manim does it
        lean, plain = speedups.LeanCamera(), Camera()
        for cam in (lean, plain):
            cam.capture_mobjects([image])
        np.testing.assert_array_equal(lean.pixel_array, plain.pixel_array)


# ------------------------------------------------------------- applied when asked, and the switch

_IMPORT_EVERYTHING = """
import importlib, pkgutil, sys
import attention_content, attention_core, attention_explainer, attention_manim, scenes
for package in (attention_core, attention_content, attention_manim, scenes, attention_explainer):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if info.name not in ("attention_explainer.__main__",):
            importlib.import_module(info.name)
from manim import Mobject
from attention_manim import manim_patches
from attention_manim.manim_patches import copies
imported = [manim_patches.applied(), Mobject.get_family is copies._MANIM_GET_FAMILY]
from scenes.base import ExplainerScene
scene = ExplainerScene()
print(*imported, manim_patches.applied(), type(scene.renderer.camera).__name__)
"""


@pytest.mark.parametrize("switch, expected", [("1", "False True True LeanCamera"),
                                               ("0", "False True False CrispCamera")])
def test_importing_patches_nothing_a_scene_applies_them_unless_switched_off(switch, expected, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ATTENTION_SPEEDUPS": switch}
    out = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[-2] == expected


def test_the_switch_off_keeps_the_encoder_settings_and_tracebacks_only(monkeypatch):
    """Not speedups: with them the video of a step is encoded the same, switch on or off."""
    from manim import Mobject, config
    from manim.cli.render import commands
    from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob

    from attention_manim.settings import Settings

    speedups.remove()
    manim_open = SceneFileWriter.open_partial_movie_stream
    manim_encode = _PartialMovieEncodeJob._encode_and_write_frame
    assert config.partial_movie_dir == "{video_dir}/partial_movie_files/{scene_name}"
    monkeypatch.setattr(speedups, "settings", lambda: Settings(speedups=False))
    try:
        assert speedups.apply(encoder_threads=1, plain_tracebacks=True) is False
        assert not speedups.applied() and Mobject.get_family is copies._MANIM_GET_FAMILY
        assert speedups.camera_class() is speedups.CrispCamera
        assert SceneFileWriter.open_partial_movie_stream is not manim_open  # threads and preset
        assert _PartialMovieEncodeJob._encode_and_write_frame is manim_encode  # a speedup: off
        assert config.partial_movie_dir.endswith("-x264-superfast")
        assert commands.error_console.print_exception is speedups._print_plain_traceback
    finally:
        speedups.remove()
        monkeypatch.undo()
    assert SceneFileWriter.open_partial_movie_stream is manim_open
    assert config.partial_movie_dir == "{video_dir}/partial_movie_files/{scene_name}"
    monkeypatch.setattr(speedups, "settings", lambda: Settings(encoder_preset="medium"))
    try:  # manim's own preset, no threads given: manim's own stream and folder
        assert speedups.apply()
        assert SceneFileWriter.open_partial_movie_stream is manim_open
        assert config.partial_movie_dir == "{video_dir}/partial_movie_files/{scene_name}"
    finally:
        speedups.remove()
        monkeypatch.undo()
        speedups.apply()
    assert SceneFileWriter.open_partial_movie_stream is not manim_open and speedups.applied()


def test_another_manim_is_refused_with_one_warning_and_manims_own_code(monkeypatch):
    import manim
    from manim import Mobject

    from scenes.components.readout import LiveNumber

    speedups.remove()
    monkeypatch.setattr(manim, "__version__", "0.22.0")
    monkeypatch.setitem(speedups._state, "warned", False)
    try:
        with pytest.warns(speedups.ManimVersionWarning) as record:
            assert speedups.apply() is False
            assert speedups.apply() is False
            assert speedups.camera_class() is speedups.CrispCamera
            live = LiveNumber(0.731, num_decimal_places=2)
            glyphs = list(live.submobjects)
            live.set_value(0.734)  # manim's set_value: typeset again, though the text is the same
            assert live.submobjects != glyphs
        assert len(record) == 1
        assert "manim 0.22.0 is installed" in str(record[0].message)
        assert "checked on manim 0.21.0" in str(record[0].message)
        assert not speedups.applied() and Mobject.get_family is copies._MANIM_GET_FAMILY
    finally:
        monkeypatch.undo()
        speedups.apply()
    assert speedups.applied() and speedups.camera_class() is speedups.LeanCamera


_SWITCH_SCENE = '''
import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Circle, FadeIn, ImageMobject, Square, Transform

from scenes import style
from scenes.base import ExplainerScene
from scenes.components.matrices import MatrixGrid, cell_colors
from scenes.components.readout import CountTo, Readout


class Switch(ExplainerScene):
    title = "Switch"

    def construct(self):
        self.show_title_card()  # flat fades of text
        self.beat("grid", "")
        values = np.array([[0.1, 0.7], [0.4, 0.9]])
        grid = MatrixGrid(values, cell_colors(values, style.FOCUS), 1.2, row_labels=["a", "b"],
                          col_labels=["x", "y"], title="W", numbers="image").shift(2.5 * LEFT)
        assert grid.image.pixel_for_pixel  # copied at whole pixels by both cameras
        readout = Readout(r"\\cos\\theta", 0.1).to_edge(DOWN)
        rng = np.random.default_rng(0)
        image = ImageMobject(rng.integers(0, 256, size=(6, 9, 4), dtype=np.uint8))
        image.scale(3).shift(3 * RIGHT + UP)
        self.play(FadeIn(grid), FadeIn(readout), FadeIn(image), run_time=0.5)
        self.play(CountTo(readout, 0.83), grid.animate.shift(0.37 * RIGHT), image.animate.rotate(0.3),
                  run_time=0.6)
        square = Square(1.0, color=style.KEY, fill_opacity=0.5).shift(2 * UP)
        self.play(Transform(square, Circle(0.6, color=style.QUERY).shift(2 * UP + RIGHT)), run_time=0.4)
'''


def _switch_frames(folder, switch):
    import os
    import subprocess
    import sys

    from PIL import Image

    media = folder / f"media-{switch}"
    env = {**os.environ, "ATTENTION_SPEEDUPS": switch, "ATTENTION_EXAMPLE": "apple"}
    command = [sys.executable, "-m", "attention_explainer.launcher", "render", "-ql", "-r", "256,144",
               "--fps", "10", "--format", "png", "--disable_caching", "--progress_bar", "none",
               "--media_dir", str(media), str(folder / "switch_scene.py"), "Switch"]
    out = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    files = sorted(media.rglob("Switch*.png"))
    return [np.asarray(Image.open(f).convert("RGB")) for f in files]


def test_the_switch_off_renders_the_same_frames(tmp_path):
    (tmp_path / "switch_scene.py").write_text(_SWITCH_SCENE)
    on, off = _switch_frames(tmp_path, "1"), _switch_frames(tmp_path, "0")
    assert len(on) == len(off) >= 25
    assert len({frame.tobytes() for frame in on}) >= 15  # it moves: many different frames
    for number, (a, b) in enumerate(zip(on, off, strict=True)):
        changed = np.count_nonzero((a != b).any(axis=2))
        assert changed == 0, f"frame {number} differs in {changed} pixels"


def test_numbers_are_manims_digits_without_their_element_groups(monkeypatch):
    """A DecimalNumber's digits are copies of one digit made per process, made without the
    SVG's element groups: the same points as manim's own code makes, each copy its own."""
    from manim import DecimalNumber
    from manim.mobject.text import numbers

    monkeypatch.setattr(numbers, "string_to_mob_map", {})
    lean = DecimalNumber(-0.837, num_decimal_places=2, font_size=30, group_with_commas=False)
    assert all(digit.id_to_vgroup_dict == {} for digit in lean)
    assert all(master.id_to_vgroup_dict == {} for master in numbers.string_to_mob_map.values())
    twin = DecimalNumber(-0.837, num_decimal_places=2, font_size=30, group_with_commas=False).shift(RIGHT)
    monkeypatch.setattr(numbers, "string_to_mob_map", {})
    monkeypatch.setattr(DecimalNumber, "_string_to_mob", copies._MANIM_STRING_TO_MOB)
    plain = DecimalNumber(-0.837, num_decimal_places=2, font_size=30, group_with_commas=False)
    assert len(plain) == len(lean) == 5 and plain[0].id_to_vgroup_dict
    np.testing.assert_array_equal(lean.get_all_points(), plain.get_all_points())
    np.testing.assert_array_equal(twin.get_all_points(), plain.get_all_points() + RIGHT)


def test_pyproject_pins_manim_to_the_version_the_patches_were_checked_on():
    import re
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in project["project"]["dependencies"] if re.match(r"manim\b(?!-)", d)]
    assert pins == [f"manim=={speedups.CHECKED_MANIM}"]
