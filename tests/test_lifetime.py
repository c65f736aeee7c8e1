"""Every process a storyboard starts ends with it, and it ends in one line (issue 34 items 3-4):
a storyboard killed (SIGKILL, SIGTERM, SIGHUP, Ctrl-C) leaves no worker, forkserver or helper
5 s later, exits 128 + the signal with one line, and its partial folder is removed (at once, or
by the next run after a SIGKILL); media-dir faults name the folder; the watcher survives a
symbolic link loop and new code that fails as it is imported, and keeps watching a corpus that
goes missing and comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from watch_story import SIZE, scripted_sleep, watched_story

from attention_explainer import watch as watching
from attention_explainer.watch import watch
from scenes.story import Step

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, tuple[Step, ...]]:
    """A copy of apple's example (apple = [1.5, 1.6]) and a story of the tiny scene."""
    return watched_story(tmp_path)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _storyboard(media: Path, *args: str) -> subprocess.Popen[str]:
    """The storyboard command, with an empty LaTeX/text cache of its own: a warm build of two steps
    ends in 4 s, before its workers could be seen and stopped; a cold one compiles its formulas."""
    command = [sys.executable, "-m", "attention_explainer", "storyboard", "--media-dir", str(media), *args]
    env = {**os.environ, "ATTENTION_MANIM_CACHE": str(media / "cold-cache")}
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGKILL, -9), (signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                           (signal.SIGINT, 130)])
def test_a_stopped_storyboard_leaves_no_process_and_one_line(tmp_path, sig, code):
    from attention_explainer.lifetime import descendants

    process = _storyboard(tmp_path, "--only", "words_in_context", "cosine_similarity", "--jobs", "2")
    seen: set[int] = set()
    deadline = time.monotonic() + 240
    while len(seen) < 3 and time.monotonic() < deadline:  # server, 2 workers (each seen once)
        seen |= set(descendants(process.pid))
        time.sleep(0.2)
    time.sleep(1.0)
    seen |= set(descendants(process.pid))
    assert len(seen) >= 3
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    time.sleep(5)
    assert [pid for pid in seen if _alive(pid)] == []
    assert process.returncode == code
    partial = list((tmp_path / "storyboard").glob(".*-partial-*"))
    if sig == signal.SIGKILL:  # no cleanup (Python's resource tracker may warn as it frees semaphores):
        assert "Traceback" not in err and len(partial) == 1  # the next run removes the partial folder
        again = _storyboard(tmp_path, "--only", "cosine_similarity", "--jobs", "1")
        assert again.wait(timeout=300) == 0, again.stderr.read() if again.stderr else ""
        assert not list((tmp_path / "storyboard").glob(".*-partial-*"))
    else:
        how = "interrupted" if sig == signal.SIGINT else f"stopped by {signal.Signals(sig).name}"
        assert err == (f"attention-explainer: storyboard {how}; the previous storyboard is untouched (this "
                       "build's partial folder was removed)\n")
        assert partial == []


def test_a_media_dir_that_is_a_file_is_one_line_naming_it(tmp_path):
    (tmp_path / "media").write_text("")
    done = subprocess.run([sys.executable, "-m", "attention_explainer", "storyboard", "--only", "2",
                           "--media-dir", str(tmp_path / "media")], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1
    folder = tmp_path / "media" / "storyboard"
    assert done.stderr == (f"attention-explainer: cannot write the storyboard in {folder}: a file is in the "
                           "way (it, or a folder above it)\n")


def test_the_watcher_survives_an_example_that_becomes_a_symlink_loop(tiny, tmp_path):
    toml, story = tiny
    lines: list[str] = []
    text = toml.read_text()

    def loop() -> None:
        toml.unlink()
        toml.symlink_to(toml)

    def mend() -> None:
        toml.unlink()
        toml.write_text(text.replace("apple   = [1.5", "apple   = [2.5"))

    code = watch(str(toml), [], tmp_path / "media", size=SIZE, story=story, log=lines.append, sources=[],
                 sleep=scripted_sleep(None, loop, None, None, mend, None, None))
    assert code == 0
    assert sum("not rebuilt" in line for line in lines) == 1
    assert sum("rebuilt in" in line for line in lines) == 1


def test_the_watcher_keeps_watching_a_corpus_that_goes_missing_and_comes_back(tiny, tmp_path):
    toml, story = tiny
    corpus = tmp_path / "mine-corpus.toml"
    corpus.write_text((ROOT / "assets" / "corpus" / "ambiguous.toml").read_text())
    toml.write_text(f'corpus = "{corpus.name}"\n' + toml.read_text())
    lines: list[str] = []
    code = watch(str(toml), [], tmp_path / "media", size=SIZE, story=story, log=lines.append, sources=[],
                 sleep=scripted_sleep(None, lambda: corpus.rename(corpus.with_suffix(".gone")), None, None,
                                      lambda: corpus.with_suffix(".gone").rename(corpus), None, None))
    assert code == 0
    assert [line.split(" changed")[1][:13] for line in lines if " changed" in line] == [
        ", not rebuilt", ": rebuilt in "]


def test_new_code_that_fails_as_it_is_imported_keeps_the_watcher(tiny, tmp_path, monkeypatch):
    toml, story = tiny
    source = tmp_path / "src" / "raising_at_import.py"
    source.parent.mkdir()
    source.write_text("VALUE = 1\n")
    monkeypatch.setenv("PYTHONPATH", f"{source.parent}{os.pathsep}{ROOT}")
    monkeypatch.setattr(watching, "_IMPORTS", ("raising_at_import",))
    lines: list[str] = []
    execs: list[int] = []
    code = watch(str(toml), [], tmp_path / "media", size=SIZE, story=story, log=lines.append,
                 sources=[source.parent], exec_again=lambda: execs.append(1),
                 sleep=scripted_sleep(None, lambda: source.write_text("VALUE = missing_name\n"), None, None))
    assert code == 0 and execs == []
    [said] = [line for line in lines if "fails as it is imported" in line]
    assert "NameError: name 'missing_name' is not defined" in said and "still watching" in said
