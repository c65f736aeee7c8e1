"""Smaller faults of issue 34, each one readable line: the Ray driver refuses file names that
leave the step's folder, a wrong Ray address fails in seconds naming it, scientific notation is
spoken with its sign, a bad ATTENTION_ENCODER_PRESET is one line, example-from-model writes
valid TOML for any Unicode and says why it cannot write --out."""

from __future__ import annotations

import random
import time
import tomllib
from pathlib import Path

import pytest

from attention_explainer.render import ray_backend
from attention_explainer.render.jobs import StepRun
from scenes.story import Step


def _run(tmp_path: Path) -> StepRun:
    video = tmp_path / "media" / "videos" / "tiny" / "step" / "90p10" / "Tiny.mp4"
    return StepRun(number=1, total=1, step=Step("tiny", "Tiny", "Tiny"), work_dir=tmp_path / "media",
                   video=video, slides_dir=None, command=[], env={}, fingerprint="x",
                   log=tmp_path / "media" / "logs" / "tiny.log")


@pytest.mark.parametrize("name", ["../../escaped.mp4", "/tmp/absolute.mp4", "sections/../../x.json", ""])
def test_the_ray_driver_refuses_names_that_leave_the_steps_folder(tmp_path, name):
    run = _run(tmp_path)
    result = {"ok": True, "seconds": 1.0, "log": "", "host": "w", "slides": {},
              "outputs": {"Tiny.mp4": b"video", name: b"planted"}}
    failure = ray_backend._receive(run, result)
    assert failure is not None and "absolute or leading out of the step's folder" in failure.message
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [Path("media/logs/tiny.log")]


@pytest.mark.parametrize(("address", "said"), [
    ("127.0.0.1:1", "127.0.0.1 port 1: Connection refused"),
    ("127.0.0.1:99999", "a port from 1 to 65535"),
    ("no-such-host.invalid:6379", "'no-such-host.invalid' does not resolve"),
])
def test_a_wrong_ray_address_fails_within_seconds_naming_it(address, said):
    started = time.monotonic()
    with pytest.raises(ray_backend.RayUnavailableError) as caught:
        with ray_backend.cluster(address, 1, lambda line: None):
            pass
    assert time.monotonic() - started < 30
    assert f"the Ray cluster at {address}" in str(caught.value) and said in str(caught.value)


def test_ray_address_in_the_environment_is_explained(monkeypatch):
    from attention_manim.settings import Settings

    monkeypatch.setattr(ray_backend, "settings", lambda: Settings(ray_address="127.0.0.1:1"))
    lines: list[str] = []
    with pytest.raises(ray_backend.RayUnavailableError) as caught:
        with ray_backend.cluster(None, 1, lines.append):
            pass
    assert "RAY_ADDRESS=127.0.0.1:1 is set" in str(caught.value) and "unset it" in str(caught.value)
    assert lines == ["  ray    joining 127.0.0.1:1, from RAY_ADDRESS"]


@pytest.mark.parametrize(("written", "spoken"), [
    ("1e-05", "1 times 10 to the minus 5"),
    ("a rate of 3.5E-4.", "a rate of 3.5 times 10 to the minus 4."),
    ("-2e+03", "minus 2 times 10 to the 3"),
])
def test_scientific_notation_is_spoken_with_its_sign(written, spoken):
    from attention_manim.voice import spoken_form

    assert spoken_form(written) == spoken


def test_a_bad_encoder_preset_is_one_line_naming_it(monkeypatch, capsys):
    from attention_explainer import cli
    from attention_manim.settings import settings

    monkeypatch.setenv("ATTENTION_ENCODER_PRESET", "bogus")
    settings.cache_clear()
    try:
        commands = (["render", "-q", "l", "--only", "1"], ["batch", "apple"], ["storyboard", "--only", "1"])
        for command in commands:
            assert cli.main(command) == 1
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and "ATTENTION_ENCODER_PRESET='bogus'" in err, err
    finally:
        monkeypatch.delenv("ATTENTION_ENCODER_PRESET")
        settings.cache_clear()


def test_any_unicode_the_checker_takes_is_written_as_valid_toml():
    from attention_explainer.model_example import toml_string

    chars = random.Random(34)
    for _ in range(3000):
        text = "".join(chr(chars.choice([chars.randrange(0, 0x80), chars.randrange(0x80, 0xD800),
                                         chars.randrange(0xE000, 0x110000)])) for _ in range(6))
        assert tomllib.loads(f"k = {toml_string(text)}")["k"] == text
    assert tomllib.loads(f"{toml_string('🍎 a')} = {toml_string('x')}") == {"🍎 a": "x"}


@pytest.mark.parametrize(("out", "said"), [
    ("folder.toml", "is a folder"),
    ("missing/x.toml", "does not exist"),
    ("/proc/x.toml", "cannot write there"),
])
def test_example_from_model_says_why_it_cannot_write_out(tmp_path, out, said):
    from attention_explainer.model_example import OutError, write_out

    (tmp_path / "folder.toml").mkdir()
    target = Path(out) if out.startswith("/") else tmp_path / out
    with pytest.raises(OutError) as caught:
        write_out(target, 'title = "x"\n')
    assert str(caught.value).startswith(f"--out {target}: ") and said in str(caught.value)
    assert not list(tmp_path.rglob("*.part"))
