"""Where step renders run: one interface, two backends, chosen in one place (:func:`choose`).

The pipeline (:func:`attention_explainer.render.render`, :func:`attention_explainer.render.batch.batch`)
hands a backend the :class:`~attention_explainer.render.jobs.StepRun` s that must render and
learns of each one through the same callbacks, whichever runs them:

- :class:`LocalBackend`: manim processes on this machine, ``jobs`` at once
  (:func:`attention_explainer.render.jobs.run_steps`);
- :class:`RayBackend`: one Ray task per step on a cluster, joined at ``address`` or started for
  the run (:mod:`attention_explainer.render.ray_backend`); no cluster is joined when there is
  nothing to send.

The contract (both): the longest steps (by ``estimate``) start first; each step that is ready has
its video and stamp written where ``run.video`` says, then ``on_done(run)``; a failed step is a
:class:`~attention_explainer.render.jobs.StepFailedError` raised at once (every other step
stopped), or handed to ``on_failure`` while the others go on; progress lines name each step
(``ready`` steps were ready before); Ctrl-C or SIGTERM stop everything and leave no partial file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import attention_explainer.render.ray_backend as ray_backend  # not through the package: it imports this
from attention_explainer.render.jobs import Progress, StepFailedError, StepRun, run_steps

__all__ = ["BACKENDS", "Backend", "LocalBackend", "RayBackend", "choose"]

BACKENDS = ("local", "ray")

OnFailure = Callable[[StepFailedError], None]
OnDone = Callable[[StepRun], None]


@runtime_checkable
class Backend(Protocol):
    """Runs step renders; see the module docstring for the contract."""

    name: str

    def run_steps(self, runs: Sequence[StepRun], progress: Progress, ready: int = 0,
                  on_failure: OnFailure | None = None, on_done: OnDone | None = None) -> None:
        """Render ``runs``; see the module docstring."""


@dataclass
class LocalBackend:
    """``jobs`` manim processes at once on this machine."""

    jobs: int
    name: str = "local"

    def run_steps(self, runs: Sequence[StepRun], progress: Progress, ready: int = 0,
                  on_failure: OnFailure | None = None, on_done: OnDone | None = None) -> None:
        run_steps(runs, max(1, self.jobs), progress, ready=ready, on_failure=on_failure, on_done=on_done)


@dataclass
class RayBackend:
    """Ray tasks: ``task(run)`` makes each step's task (:func:`ray_backend.step_task`); the cluster
    at ``address``, or a local one of ``jobs`` CPUs. Made only where Ray is installed
    (a :class:`~attention_explainer.render.ray_backend.RayUnavailableError` otherwise)."""

    jobs: int
    task: Callable[[StepRun], dict[str, Any]]
    address: str | None = None
    name: str = "ray"

    def __post_init__(self) -> None:
        ray_backend.require_ray()

    def run_steps(self, runs: Sequence[StepRun], progress: Progress, ready: int = 0,
                  on_failure: OnFailure | None = None, on_done: OnDone | None = None) -> None:
        if not runs:  # nothing to send: no cluster is started or joined
            return
        with ray_backend.cluster(self.address, max(1, self.jobs), progress):
            ray_backend.run_steps(runs, self.task, progress, ready=ready, on_failure=on_failure,
                                  on_done=on_done)


def choose(name: str, jobs: int, address: str | None = None,
           task: Callable[[StepRun], dict[str, Any]] | None = None) -> Backend:
    """The backend called ``name`` (one of :data:`BACKENDS`): a ValueError naming the choices for
    another name, a RayUnavailableError for ``ray`` without Ray. ``task`` is the Ray task maker."""
    if name == "local":
        return LocalBackend(jobs)
    if name == "ray":
        if task is None:
            raise ValueError("the ray backend needs a task maker")
        return RayBackend(jobs, task, address)
    raise ValueError(f"--backend must be one of {', '.join(BACKENDS)}, not {name!r}")
