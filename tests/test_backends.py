"""The one backend interface: ``render`` and ``batch`` hand their steps to a backend chosen in
:func:`backends.choose`; the local one forwards the contract to ``jobs.run_steps`` whole.
(The local and Ray backends making the same files is tests/test_batch.py's ``both``.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_render import tiny_options, tiny_story, write_example

from attention_explainer.render import RenderError, backends, render
from attention_explainer.render.batch import batch


def test_choose_names_each_backend_and_refuses_others() -> None:
    local = backends.choose("local", 3)
    assert isinstance(local, backends.LocalBackend) and local.jobs == 3 and local.name == "local"
    assert isinstance(local, backends.Backend)
    with pytest.raises(ValueError, match=r"--backend must be one of local, ray, not 'slurm'"):
        backends.choose("slurm", 3)
    with pytest.raises(ValueError, match="task maker"):
        backends.choose("ray", 3)
    ray = backends.choose("ray", 2, "127.0.0.1:1", task=lambda run: {})  # nothing joined until steps come
    assert isinstance(ray, backends.RayBackend) and isinstance(ray, backends.Backend)
    assert (ray.jobs, ray.address) == (2, "127.0.0.1:1")
    ray.run_steps([], print)  # no steps: no cluster is joined (the address answers nothing)


def test_the_local_backend_hands_over_every_part_of_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[object, ...]] = []
    monkeypatch.setattr(backends, "run_steps", lambda *args, **kw: seen.append((*args, kw)))
    runs, say, failed, done = [object()], print, print, print
    backends.LocalBackend(0).run_steps(runs, say, ready=4, on_failure=failed, on_done=done)
    assert seen == [(runs, 1, say, {"ready": 4, "on_failure": failed, "on_done": done})]


class _Refusing:
    """A backend that records what it was given and fails as a full media folder does."""

    name = "refusing"

    def __init__(self) -> None:
        self.given: list[list[str]] = []

    def run_steps(self, runs, progress, ready=0, on_failure=None, on_done=None) -> None:
        self.given.append([run.step.module for run in runs])
        raise OSError(28, "No space left on device")


def test_render_and_batch_run_their_steps_through_the_chosen_backend(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story = tiny_story(tmp_path, "tiny_square", "tiny_circle")
    example = write_example(tmp_path / "one.toml", title="One")
    refusing = _Refusing()
    chosen: list[tuple[str, int, str | None]] = []

    def choose(name, jobs, address=None, task=None):
        chosen.append((name, jobs, address))
        return refusing

    monkeypatch.setattr(backends, "choose", choose)
    outcomes = batch([str(example)], tiny_options(tmp_path / "media", example), "local", "x:1", story=story,
                     progress=lambda line: None)
    assert chosen == [("local", tiny_options(tmp_path, example).jobs, "x:1")]
    assert refusing.given == [["tiny_square", "tiny_circle"]]
    assert outcomes[0].error is not None and "No space left on device" in outcomes[0].error

    monkeypatch.setattr(backends.LocalBackend, "run_steps",
                        lambda self, runs, *args, **kw: refusing.run_steps(runs, None))
    with pytest.raises(RenderError, match="No space left on device"):
        render(tiny_options(tmp_path / "media2", example), story, progress=lambda line: None)
    assert refusing.given[-1] == ["tiny_square", "tiny_circle"]
