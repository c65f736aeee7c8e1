"""``attention-explainer batch``: many examples in one pool, on this machine or on Ray.

A real local Ray is started once for the module (no mock), from a folder that is not the
project, so a worker that relied on its working directory (manim.cfg, the example's path)
would fail. The scenes are the tiny ones of tests/tiny_render.py at 160x90, 10 fps.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest
import ray
from tiny_render import tiny_options, tiny_story, write_example

from attention_explainer.cli import main
from attention_explainer.render import plan_render, plan_runs, ray_backend
from attention_explainer.render.batch import batch, expand_examples
from attention_explainer.render.jobs import PROJECT_DIR, run_steps
from scenes.story import Step

TINY = ["-q", "l", "-r", "160,90", "--fps", "10", "--jobs", "2"]


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A local Ray of 2 CPUs whose workers start in a temporary folder; its address."""
    elsewhere = tmp_path_factory.mktemp("ray-cwd")
    here = os.getcwd()
    os.chdir(elsewhere)
    try:
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    finally:
        os.chdir(here)
    assert ray.get(ray.remote(lambda: os.getcwd()).remote()) == str(elsewhere)  # not the project
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def _examples(folder: Path) -> dict[str, Path]:
    broken = folder / "broken.toml"
    broken.write_text('title = "Broken\n[plane]\n')  # an unterminated string: the checker names the line
    return {"one": write_example(folder / "one.toml", title="One"),
            "two": write_example(folder / "two.toml", title="Two"),
            "bad": write_example(folder / "bad.toml", dimensions=3, title="Bad"),  # the circle refuses it
            "broken": broken}


def _run_cli(argv: list[str], story: tuple[Step, ...], capsys: pytest.CaptureFixture[str]
             ) -> tuple[int, str, str]:
    code = main(argv, story)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, ray_cluster: str) -> dict[str, object]:
    """The same four examples (two good, one a step refuses, one broken) through both backends."""
    folder = tmp_path_factory.mktemp("batch")
    story = tiny_story(folder, "tiny_square", "tiny_circle")
    examples = _examples(folder)
    made: dict[str, object] = {"folder": folder, "story": story, "examples": examples}
    for backend in ("local", "ray"):
        lines: list[str] = []
        options = tiny_options(folder / f"media-{backend}", examples["one"])
        outcomes = batch([str(p) for p in examples.values()], options, backend, story=story,
                         progress=lines.append)
        made[backend] = {"outcomes": {o.example: o for o in outcomes}, "lines": lines,
                         "media": folder / f"media-{backend}"}
    return made


def _frames(video: Path) -> list[np.ndarray]:
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def test_ray_and_local_make_the_same_videos_frame_for_frame(both: dict[str, object]) -> None:
    for name in ("one", "two"):
        local = both["local"]["outcomes"][str(both["examples"][name])].result
        remote = both["ray"]["outcomes"][str(both["examples"][name])].result
        assert local is not None and remote is not None
        assert remote.out_dir.is_relative_to(both["ray"]["media"])
        ours, theirs = _frames(local.video), _frames(remote.video)
        assert len(ours) == len(theirs) == sum(len(_frames(run.video)) for run in local.runs) > 20
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
        assert remote.files["subtitles"].read_text() == local.files["subtitles"].read_text()
        assert f"for {name.title()}." in remote.files["subtitles"].read_text()  # its own example
        for run in remote.runs:  # the driver wrote each step's stamp, with the worker's render time
            stamp = json.loads(run.stamp.read_text())
            assert stamp["fingerprint"] == run.fingerprint and stamp["seconds"] > 0
    assert not list(both["ray"]["media"].rglob("*.partial-*"))
    assert any(" on " in line and "after sending" in line for line in both["ray"]["lines"])


def test_a_bad_example_is_reported_and_the_others_finish(both: dict[str, object]) -> None:
    for backend in ("local", "ray"):
        outcomes = both[backend]["outcomes"]
        examples = both["examples"]
        assert [outcomes[str(examples[n])].error is None for n in ("one", "two")] == [True, True]
        bad = outcomes[str(examples["bad"])]
        assert "tiny_circle failed" in bad.error and "exactly 2 numbers" in bad.error, bad.error
        assert bad.result is None and not (both[backend]["media"] / "explainer" / bad.name).exists()
        assert bad.rendered == 1  # its square step rendered; nothing of it assembled
        broken = outcomes[str(examples["broken"])]
        assert "broken.toml" in broken.error and "line 1" in broken.error, broken.error
        assert "Traceback" not in bad.error + broken.error
        lines = both[backend]["lines"]
        assert any("2 of 3 examples" in line for line in lines)  # progress counts examples
        table = lines[lines.index(next(line for line in lines if "examples made" in line)):]
        assert "2 of 4 examples made" in table[0]
        assert any(line.split()[:3] == [bad.name, "1", "0"] and "FAILED" in line for line in table)


def test_one_step_of_two_examples_never_renders_at_once_locally(tmp_path: Path) -> None:
    """They share the step's media folder (and its mark of a render under way), so the second
    waits for the first though two jobs are free."""
    story = tiny_story(tmp_path, "tiny_square")
    plans = []
    for name in ("one", "two"):
        plan = plan_render(tiny_options(tmp_path / "media", write_example(tmp_path / f"{name}.toml")),
                           story, lambda line: None)
        plan_runs(plan, story, lambda line: None)
        plans.append(plan)
    lines: list[str] = []
    run_steps([plan.runs[0] for plan in plans], 2, lines.append)
    events = [line.split()[0] for line in lines]
    assert events == ["start", "done", "start", "done"], lines
    assert all(plan.runs[0].up_to_date() for plan in plans)


def test_a_rerun_sends_no_task(both: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[object] = []
    real = ray_backend.step_task
    monkeypatch.setattr(ray_backend, "step_task", lambda *a: sent.append(a) or real(*a))
    examples = both["examples"]
    media = both["ray"]["media"]
    before = {p: p.stat().st_mtime_ns for p in (media / "render").rglob("*.mp4")}
    lines: list[str] = []
    outcomes = batch([str(examples["one"]), str(examples["two"])], tiny_options(media, examples["one"]),
                     "ray", story=both["story"], progress=lines.append)
    assert sent == []
    assert [(o.rendered, o.reused, o.error) for o in outcomes] == [(0, 2, None), (0, 2, None)]
    assert sum("cached" in line for line in lines) == 4
    assert {p: p.stat().st_mtime_ns for p in (media / "render").rglob("*.mp4")} == before


WAITS = '''
    import os
    import time
    from pathlib import Path

    from manim import Create, Square
    from scenes.base import ExplainerScene

    MARKS = Path({marks!r})

    class TinyWaits(ExplainerScene):
        def construct(self):
            attempt = len(list(MARKS.glob("attempt-*"))) + 1
            (MARKS / f"attempt-{{attempt}}").write_text(str(os.getppid()))  # the Ray worker
            if attempt == 1:  # killed (or interrupted) while it waits
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not (MARKS / "go").exists():
                    time.sleep(0.05)
            self.beat("square", "A square.")
            self.play(Create(Square()), run_time=0.4)
'''


def _waiting_story(folder: Path) -> tuple[tuple[Step, ...], Path]:
    marks = folder / "marks"
    marks.mkdir()
    path = folder / "tiny_waits.py"
    path.write_text(textwrap.dedent(WAITS.format(marks=str(marks))))
    return (Step("tiny_waits", "TinyWaits", "The wait", source=path),), marks


def _wait_for(path: Path, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_a_task_whose_worker_is_killed_is_run_again(ray_cluster: str, tmp_path: Path) -> None:
    story, marks = _waiting_story(tmp_path)
    example = write_example(tmp_path / "one.toml")

    def kill_the_worker() -> None:
        _wait_for(marks / "attempt-1")
        os.kill(int((marks / "attempt-1").read_text()), signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker, daemon=True)
    killer.start()
    lines: list[str] = []
    # no transcript: its storyboard would build the scene once more, here, and mark a third attempt
    [outcome] = batch([str(example)], tiny_options(tmp_path / "media", example, transcript=False), "ray",
                      story=story, progress=lines.append)
    killer.join()
    assert outcome.error is None, outcome.error
    assert sorted(p.name for p in marks.iterdir()) == ["attempt-1", "attempt-2"]
    assert (marks / "attempt-1").read_text() != (marks / "attempt-2").read_text()  # another worker
    assert outcome.result is not None and len(_frames(outcome.result.video)) >= 4  # 0.4 s at 10 fps


DRIVER = '''
import sys
from pathlib import Path
from attention_explainer.cli import main
from scenes.story import Step
story = (Step("tiny_waits", "TinyWaits", "The wait", source=Path(sys.argv[1])),)
sys.exit(main(sys.argv[2:], story))
'''


def test_ctrl_c_cancels_the_tasks_and_leaves_nothing_partial(ray_cluster: str, tmp_path: Path) -> None:
    """The batch runs in its own process, joined to this module's Ray by --address."""
    story, marks = _waiting_story(tmp_path)
    example = write_example(tmp_path / "one.toml")
    media = tmp_path / "media"
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(story[0].path), "batch", str(example), *TINY,
         "--media-dir", str(media), "--backend", "ray", "--address", ray_cluster],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(marks / "attempt-1")
        worker = int((marks / "attempt-1").read_text())
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, out + err
    assert "interrupted; the previous videos are untouched" in err and "Traceback" not in err
    deadline = time.monotonic() + 60
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:  # the task was cancelled
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists()
    assert not (marks / "attempt-2").exists()  # not run again
    files = [p for p in media.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".mp4", ".srt", ".json") or "partial" in p.name], files


def test_without_ray_one_message_and_nothing_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails, as without the extra
    story = tiny_story(tmp_path, "tiny_square")
    example = write_example(tmp_path / "one.toml")
    code, out, err = _run_cli(["batch", str(example), *TINY, "--media-dir", str(tmp_path / "media"),
                               "--backend", "ray"], story, capsys)
    assert code == 1
    assert err.strip() == ("attention-explainer: --backend ray needs Ray, the ray extra: "
                           "pip install -e '.[ray]'")
    assert out == "" and not (tmp_path / "media").exists()


def test_examples_are_names_files_or_folders(tmp_path: Path) -> None:
    folder = tmp_path / "unit"
    folder.mkdir()
    for name in ("b", "a"):
        write_example(folder / f"{name}.toml")
    (folder / "notes.txt").write_text("not an example")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert expand_examples(["apple", str(folder), "x/y.toml", str(empty)]) == [
        "apple", str(folder / "a.toml"), str(folder / "b.toml"), "x/y.toml", str(empty)]


def test_the_command_line_exits_1_when_an_example_failed(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    story = tiny_story(tmp_path, "tiny_square")
    good = write_example(tmp_path / "good.toml")
    code, out, err = _run_cli(["batch", str(good), "nosuch", *TINY, "--media-dir", str(tmp_path / "media")],
                              story, capsys)
    assert code == 1
    assert "1 of 2 examples made" in out and "there is no example called 'nosuch'" in out
    code, out, err = _run_cli(["batch", str(good), *TINY, "--media-dir", str(tmp_path / "media")],
                              story, capsys)
    assert code == 0 and "1 of 1 examples made" in out


def test_a_cluster_that_cannot_be_joined_is_one_message(tmp_path: Path) -> None:
    """In a process of its own: this module's Ray is already joined."""
    story, _marks = _waiting_story(tmp_path)
    example = write_example(tmp_path / "one.toml")
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(story[0].path), "batch", str(example), *TINY,
         "--media-dir", str(tmp_path / "media"), "--backend", "ray", "--address", "nohost:notaport"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    said = "cannot join the Ray cluster at nohost:notaport: give HOST:PORT with a port from 1 to 65535"
    assert said in done.stdout
    assert "0 of 1 examples made" in done.stdout and "Traceback" not in done.stdout + done.stderr
    assert not list((tmp_path / "media").rglob("*.mp4"))
