"""``attention-explainer storyboard --watch`` (attention_explainer/watch.py): an edit of the example
rebuilds the storyboard in a process forked from the watcher, a bad edit leaves the previous one,
a changed source starts the command again, Ctrl-C stops it cleanly, and only its pages reload
themselves. A story of one tiny scene whose narration says a number of the example, so that
each build takes a second."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from watch_story import SIZE, scripted_sleep, watched_story

from attention_explainer.storyboard import STAMP, make_storyboard
from attention_explainer.watch import watch
from scenes.story import Step

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, tuple[Step, ...]]:
    """A copy of apple's example (apple = [1.5, 1.6]) and a story of the tiny scene."""
    return watched_story(tmp_path)


def _set_apple(toml: Path, first: str) -> None:
    text = re.sub(r"^apple   = \[[^]]*\]", f"apple   = [{first}, 1.6]", toml.read_text(), flags=re.M)
    toml.write_text(text)


def _board(media: Path) -> Path:
    [board] = (media / "storyboard").iterdir()
    return board


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _builder(board: Path) -> int:
    """The process that wrote the storyboard: the pid in its build id (stamp.js)."""
    return int(re.search(r"-(\d+)'", (board / STAMP).read_text()).group(1))


def test_an_edit_of_the_example_rebuilds_in_a_forked_child(tiny, tmp_path: Path) -> None:
    toml, story = tiny
    media, lines, seen = tmp_path / "media", [], {}

    def look() -> None:
        board = _board(media)
        seen[len(seen)] = ((board / "storyboard.html").read_text(), _builder(board))

    code = watch(str(toml), [], media, size=SIZE, story=story, log=lines.append, sources=[],
                 sleep=scripted_sleep(look, lambda: _set_apple(toml, "2.25"), None, look))
    assert code == 0
    (first, first_pid), (second, second_pid) = seen[0], seen[1]
    assert "apple&#x27;s first number is 1.5." in first
    assert "apple&#x27;s first number is 2.25." in second and "1.5." not in second
    # the first build here (warm memos), the rebuild in a child forked from here
    assert first_pid == os.getpid() and second_pid != os.getpid()
    rebuilt = [line for line in lines if "rebuilt" in line]
    assert len(rebuilt) == 1 and rebuilt[0].startswith(f"storyboard: {toml} changed: rebuilt in ")
    assert rebuilt[0].endswith(str(_board(media) / "storyboard.html"))
    assert lines[-1] == "storyboard: stopped watching"
    assert sorted(p.name for p in (media / "storyboard").iterdir()) == [_board(media).name]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # Ctrl-C as it was


def test_a_bad_edit_is_one_message_and_leaves_the_storyboard_then_a_good_edit_rebuilds(
        tiny, tmp_path: Path) -> None:
    toml, story = tiny
    media, lines, kept = tmp_path / "media", [], {}

    def keep() -> None:
        kept["before"] = _files(_board(media))

    def break_it() -> None:
        toml.write_text(toml.read_text() + "\noops = [\n")

    def check_untouched() -> None:
        kept["after"] = _files(_board(media))
        kept["listing"] = sorted(p.name for p in (media / "storyboard").iterdir())

    def mend_it() -> None:
        toml.write_text(toml.read_text().replace("\noops = [\n", ""))
        _set_apple(toml, "3.75")

    code = watch(str(toml), [], media, size=SIZE, story=story, log=lines.append, sources=[],
                 sleep=scripted_sleep(keep, break_it, None, check_untouched, mend_it, None))
    assert code == 0
    assert kept["after"] == kept["before"]  # every file as it was
    assert kept["listing"] == [_board(media).name]  # no partial folder beside it
    failed = [line for line in lines if "not rebuilt" in line]
    assert len(failed) == 1
    assert failed[0].startswith(f"storyboard: {toml} changed, not rebuilt (the previous storyboard stays): "
                                f"{toml}: 1 problem:")
    assert "not valid TOML" in failed[0]
    assert sum("rebuilt in" in line for line in lines) == 1
    assert "apple&#x27;s first number is 3.75." in (_board(media) / "storyboard.html").read_text()


def test_a_changed_source_starts_the_command_again_unless_it_does_not_compile(tiny, tmp_path: Path) -> None:
    toml, story = tiny
    sources = tmp_path / "src"
    (sources / "pkg").mkdir(parents=True)
    module = sources / "pkg" / "mod.py"
    module.write_text("X = 1\n")
    lines: list[str] = []
    execs: list[list[str]] = []

    def exec_again() -> None:
        execs.append(list(lines))

    code = watch(str(toml), [], tmp_path / "media", size=SIZE, story=story, log=lines.append,
                 sources=[sources], exec_again=exec_again,
                 sleep=scripted_sleep(lambda: module.write_text("X = (\n"), None,
                                      lambda: module.write_text("X = 22\n"), None))
    assert code == 0
    assert len(execs) == 1  # once, for the save that compiles
    broken = [line for line in lines if "still watching, with the code as it was" in line]
    assert len(broken) == 1 and broken[0].startswith(f"storyboard: {module}: line 1: ")
    assert lines[-1].endswith("mod.py changed: starting again with the new code")
    assert not any("rebuilt" in line for line in lines)  # the code changed: no build with the old


def test_the_exec_runs_the_same_command_again_with_ctrl_c_kept_for_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same interpreter and arguments; Ctrl-C blocked across the exec (the new watcher
    unblocks it: one pressed meanwhile stops it, not an import with a traceback)."""
    from attention_explainer import watch as watching

    calls = []
    execv = lambda path, argv: calls.append((path, argv, signal.pthread_sigmask(signal.SIG_BLOCK, ())))  # noqa: E731
    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-m", "attention_explainer", "storyboard", "--watch"])
    try:
        watching.reexec()
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    [(path, argv, blocked)] = calls
    assert path == sys.executable
    assert argv == [sys.executable, "-m", "attention_explainer", "storyboard", "--watch"]
    assert signal.SIGINT in blocked


# The command as run from the shell, with the tiny story and no project sources watched (the
# other engineers' edits would start it again).
DRIVER = """
import sys
from pathlib import Path
import attention_explainer.watch
attention_explainer.watch.SOURCE_DIRS = ()
from attention_explainer.cli import main
from scenes.story import Step
story = (Step("tiny_numbers", "TinyNumbers", "Numbers", source=Path(sys.argv[3])),)
sys.exit(main(["storyboard", "--watch", "--example", sys.argv[1], "--media-dir", sys.argv[2],
               "--size", "320,180"], story=story))
"""


def _start(toml: Path, media: Path, scene: Path) -> subprocess.Popen[str]:
    """The watcher in a session of its own (Ctrl-C goes to its whole process group), once it
    has built the storyboard and watches."""
    watcher = subprocess.Popen([sys.executable, "-c", DRIVER, str(toml), str(media), str(scene)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    for line in watcher.stdout:
        if line.startswith("storyboard: watching"):
            return watcher
    pytest.fail(f"the watcher ended: {watcher.stderr.read()[-2000:]}")


@pytest.mark.parametrize("during", ["idle", "rebuild"])
def test_ctrl_c_stops_cleanly(tiny, tmp_path: Path, during: str) -> None:
    """Ctrl-C (SIGINT to the process group) while waiting and while a rebuild runs: status 0,
    one line, no traceback, the build process ended, no partial folder, the storyboard as it was."""
    toml, story = tiny
    media = tmp_path / "media"
    watcher = _start(toml, media, story[0].source)
    try:
        board = _board(media)
        before = _files(board)
        if during == "rebuild":
            # the tiny scene then touches "started" and sleeps
            toml.write_text(toml.read_text().replace('title = "Apple: fruit', 'title = "Apple, slow: fruit'))
            started = tmp_path / "started"
            for _ in range(1200):  # a guard against a hang, not a time limit on the watcher
                if started.exists() or watcher.poll() is not None:
                    break
                time.sleep(0.1)
            assert started.exists()
        os.killpg(watcher.pid, signal.SIGINT)
        # ends only once every process holding its output (the build's too) has ended
        out, err = watcher.communicate(timeout=300)
    finally:
        if watcher.poll() is None:
            os.killpg(watcher.pid, signal.SIGKILL)
    assert watcher.returncode == 0, err[-2000:]
    assert out.splitlines()[-1] == "storyboard: stopped watching"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    assert sorted(p.name for p in (media / "storyboard").iterdir()) == [board.name]  # no partial folder
    assert _files(board) == before


def test_only_pages_written_for_watch_mode_reload_themselves(tiny, tmp_path: Path) -> None:
    toml, story = tiny
    plain = make_storyboard(str(toml), [], tmp_path / "plain", size=SIZE, story=story, log=lambda line: None)
    page = (plain / "storyboard.html").read_text()
    assert "<script" not in page and not (plain / STAMP).exists()
    stamps = []
    for _ in range(2):
        live = make_storyboard(str(toml), [], tmp_path / "live", size=SIZE, story=story,
                               log=lambda line: None, live_reload=True)
        page, stamp = (live / "storyboard.html").read_text(), (live / STAMP).read_text()
        build = re.search(r"var build = '([^']+)';", page).group(1)
        assert stamp == f"window.storyboardBuild = '{build}';\n"  # the page's own build: no reload
        assert "'stamp.js?' + Date.now()" in page and "location.reload()" in page
        assert "window.storyboardBuild !== build" in page
        stamps.append(build)
    assert stamps[0] != stamps[1]  # a newer build: an open page of the first one reloads
