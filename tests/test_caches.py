"""The caches that live between runs check each entry when they read it and heal a damaged one
(attention_manim/cache_files.py): manim's shared LaTeX and text SVGs, the spoken clips; no
pickle is read from a cache; a folder others can write is not used; ``~`` is expanded."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from attention_manim.settings import from_environment

ROOT = Path(__file__).resolve().parents[1]


def test_a_swapped_text_entry_is_named_removed_and_made_again(tmp_path, capsys):
    from manim import Text, tempconfig

    from attention_manim import manim_patches

    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts")}):
        assert manim_patches.apply()
        alpha = Text("alpha words", font_size=30)
        entries = {}
        for text in ("alpha words", "other words"):
            before = set((tmp_path / "texts").glob("*.svg"))
            Text(text, font_size=30)
            entries[text] = (set((tmp_path / "texts").glob("*.svg")) - before or before).pop()
        whole = entries["alpha words"].read_bytes()
        entries["alpha words"].write_bytes(entries["other words"].read_bytes())  # another text's SVG
        again = Text("alpha words", font_size=30)
    assert np.array_equal(alpha.get_all_points(), again.get_all_points())
    same = re.compile(rb'id="surface\d+"')  # cairo's surface number: how many its process made before
    assert same.sub(b"", entries["alpha words"].read_bytes()) == same.sub(b"", whole)
    said = capsys.readouterr().err
    assert said.count(f"{entries['alpha words']}: it does not match its check") == 1


def test_the_storyboard_never_unpickles_from_the_cache(tmp_path, monkeypatch):
    from manim import MathTex, Text, tempconfig

    from attention_manim import manim_patches

    monkeypatch.setattr(pickle, "loads", lambda *args: pytest.fail("a pickle was loaded from the cache"))
    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts")}):
        assert manim_patches.apply()
        parsed = [Text("never pickled", font_size=30), MathTex(r"\frac{a}{b} - 3")]
        try:
            assert manim_patches.storyboard()
            made = [[Text("never pickled", font_size=30), MathTex(r"\frac{a}{b} - 3")] for _ in range(2)]
            made[0][0].shift([1.0, 0.0, 0.0])  # each is a copy: moving one moves no other
            made.append([Text("never pickled", font_size=30), MathTex(r"\frac{a}{b} - 3")])
            made.pop(0)
        finally:
            manim_patches.storyboard(False)
    assert not (tmp_path / "parsed").exists()
    for again in made:
        for expected, got in zip(parsed, again, strict=True):
            assert np.allclose(expected.get_all_points(), got.get_all_points())


def _text_in_a_process(tmp_path: Path, cache: str) -> subprocess.CompletedProcess[str]:
    code = ("from attention_manim import manim_patches; from manim import Text; "
            "manim_patches.apply(); Text('x')")
    env = {**os.environ, "ATTENTION_MANIM_CACHE": cache, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_cache_folder_others_can_write_is_not_used_and_named(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    done = _text_in_a_process(tmp_path, str(shared))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{shared} (ATTENTION_MANIM_CACHE) can be written by other users" in done.stderr
    assert list(shared.iterdir()) == []
    assert len(list((tmp_path / "media" / "texts").glob("*.svg"))) == 1  # made in the media dir


def test_a_cache_variable_naming_a_file_is_named_and_the_text_still_made(tmp_path):
    (tmp_path / "a-file").write_text("")
    done = _text_in_a_process(tmp_path, str(tmp_path / "a-file"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{tmp_path / 'a-file'} (ATTENTION_MANIM_CACHE) is a file, not a folder" in done.stderr


def test_home_is_expanded_in_folder_variables():
    s = from_environment({"ATTENTION_MANIM_CACHE": "~/x", "XDG_CACHE_HOME": "~/c"})
    assert s.manim_cache == Path.home() / "x" and s.cache_home == Path.home() / "c"


def test_the_text_edit_never_writes_through_a_planted_link(tmp_path):
    from attention_manim import manim_patches

    entry = tmp_path / "entry.svg"
    entry.write_text('<svg><path d="Z M 1 2 "/></svg>')
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / f".entry.svg.{os.getpid()}.tmp").symlink_to(victim)  # the old temporary name
    manim_patches._PangoUtilsInPlace.remove_last_M(str(entry))
    assert victim.read_text() == "keep me"
    assert entry.read_text() == '<svg><path d="Z "/></svg>'


def test_entries_are_written_without_following_links(tmp_path, monkeypatch):
    from attention_manim import atomic, cache_files

    victim = tmp_path / "victim"
    victim.write_text("keep me")
    monkeypatch.setattr(os, "urandom", lambda n: b"\0" * n)
    planted = tmp_path / f".entry{atomic.PARTIAL}{os.getpid()}-00000000"  # its temporary name
    planted.symlink_to(victim)
    with pytest.raises(FileExistsError):
        cache_files.write_entry(tmp_path / "entry", "key", b"data")
    assert victim.read_text() == "keep me"
    planted.unlink()
    (tmp_path / "entry").symlink_to(victim)  # an entry that is a link is not read through
    assert cache_files.read_entry(tmp_path / "entry", "key") is None
    cache_files.write_entry(tmp_path / "entry", "key", b"data")  # it replaces the link
    assert victim.read_text() == "keep me" and not (tmp_path / "entry").is_symlink()
    assert cache_files.read_entry(tmp_path / "entry", "key") == b"data"


# ------------------------------------------------------------------ the voice's clips


def _relabelled(data: bytes, rate: int) -> bytes:
    import io

    with wave.open(io.BytesIO(data)) as wav:
        frames = wav.readframes(wav.getnframes())
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return out.getvalue()


@pytest.mark.parametrize("damage", ["relabelled", "truncated", "empty"])
def test_a_damaged_clip_is_named_removed_and_said_again(tmp_path, capsys, damage):
    from fake_voice import FakeVoice

    clip = FakeVoice(tmp_path).speak("One two three.")
    whole = clip.path.read_bytes()
    damaged = {"relabelled": _relabelled(whole, 44100), "truncated": whole[: len(whole) // 2],
               "empty": b""}[damage]
    clip.path.write_bytes(damaged)
    again = FakeVoice(tmp_path)
    assert again.speak("One two three.") == clip
    assert again.synthesised == 1 and clip.path.read_bytes() == whole
    assert capsys.readouterr().err.count(str(clip.path)) == 1


def test_a_voice_folder_that_is_a_file_still_speaks(tmp_path, capsys):
    from fake_voice import FakeVoice

    (tmp_path / "voice").write_text("")
    clip = FakeVoice(tmp_path / "voice").speak("One two three.")
    assert clip.seconds > 0.2 and clip.path.is_file()
    assert f"{tmp_path / 'voice'} (XDG_CACHE_HOME) is a file" in capsys.readouterr().err


def test_a_full_cache_disk_uses_the_svg_uncached_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    import errno

    from manim import Text, tempconfig

    from attention_manim import cache_files, manim_patches

    def full(path, key, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_files, "write_entry", full)
    with tempconfig({"tex_dir": str(tmp_path / "Tex"), "text_dir": str(tmp_path / "texts")}):
        assert manim_patches.apply()
        made = Text("a full disk", font_size=30)
    assert len(made.get_all_points()) > 20
    assert [p.name for p in (tmp_path / "texts").iterdir()] == []  # no .making-* folder or file
    said = capsys.readouterr().err
    assert "No space left on device; using the SVG uncached" in said and str(tmp_path / "texts") in said


def test_a_text_laid_out_at_one_frame_size_is_not_reused_at_another(tmp_path):
    """manim lays a Text out in a Pango box of the frame's pixel size and leaves that size out of
    its hash: a long title made at 160x90 (the render tests) wraps onto two lines, and without
    the size in the cache's name every later render drew it wrapped (seen: key frames flipping)."""
    code = textwrap.dedent(f"""
        from manim import Text, tempconfig
        from attention_manim import manim_patches
        manim_patches.apply()
        title = "Every pair of words: the similarity table"
        with tempconfig({{"pixel_width": 160, "pixel_height": 90, "text_dir": {str(tmp_path)!r}}}):
            small = Text(title, font_size=56, weight="BOLD")
        with tempconfig({{"pixel_width": 854, "pixel_height": 480, "text_dir": {str(tmp_path)!r}}}):
            large = Text(title, font_size=56, weight="BOLD")
        print(small.height / small.width, large.height / large.width)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    small, large = map(float, done.stdout.split())
    assert small > 0.3  # two lines in a box 160 px wide
    assert large < 0.1  # one line: not the wrapped SVG of the small frame
