"""Many videos at once: ``attention-explainer batch EXAMPLE...``.

    attention-explainer batch EXAMPLE... [--quality l|m|h|p|k] [--voice] [--only STEP ...]
                              [--jobs N] [--media-dir DIR] [--backend local|ray] [--address HOST:PORT]

Each example (a shipped example's name, a .toml file, or a folder of them) is planned as
:func:`~attention_explainer.render.render` plans it; then every step of every example that is
not up to date (its stamp) renders in ONE pool, the longest first across all examples, and each
example is assembled as ``render`` assembles it (video, subtitles, chapters, stills, pack).
An example that cannot be used, or one of whose steps fails, is reported with its message and
the others finish; the exit code is then 1. The pool is this machine's processes
(``--backend local``) or Ray tasks (``--backend ray``): :mod:`attention_explainer.render.backends`.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from attention_explainer.render import (
    RenderError,
    RenderOptions,
    RenderPlan,
    RenderResult,
    _print,
    _relative,
    _write_problem,
    assemble,
    backends,
    lock,
    plan_render,
    plan_runs,
    ray_backend,
    step_failure,
)
from attention_explainer.render.backends import BACKENDS
from attention_explainer.render.jobs import Progress, StepFailedError, StepRun
from attention_explainer.render.ray_backend import RayUnavailableError
from scenes.story import STORY, Step

__all__ = ["BACKENDS", "ExampleOutcome", "batch", "expand_examples", "summary_table"]

@dataclass
class ExampleOutcome:
    """One example of a batch: what was rendered or reused, when it was ready, or why not."""

    example: str  # as given (or the file found in a given folder)
    name: str = ""  # its output name, once loaded
    rendered: int = 0
    reused: int = 0
    seconds: float = 0.0  # from the batch's start until its outputs were written (or it failed)
    render_seconds: float = 0.0  # its steps' render times, added up
    result: RenderResult | None = None
    error: str | None = None


def expand_examples(given: Sequence[str]) -> list[str]:
    """The examples ``given`` names: each name or file as it is, each folder as its .toml files
    (sorted); a folder holding none is kept, for the renderer to refuse by name."""
    examples: list[str] = []
    for item in given:
        folder = Path(item)
        if item and folder.is_dir():
            found = sorted(str(p) for p in folder.glob("*.toml"))
            examples += found or [item]
        else:
            examples.append(item)
    return examples


def batch(examples: Sequence[str], options: RenderOptions, backend: str = "local",
          address: str | None = None, story: Sequence[Step] = STORY,
          progress: Progress | None = None) -> list[ExampleOutcome]:
    """Render every example in ``examples`` with ``options`` (its ``example`` ignored); see the
    module docstring. A :class:`RenderError` only when nothing can start (a bad option, no Ray)."""
    say = progress or _print
    started = time.monotonic()
    outcomes: list[ExampleOutcome] = []
    plans: dict[int, RenderPlan] = {}  # by the index of the outcome
    owner: dict[int, int] = {}  # id(run) -> index of its outcome

    def task(run: StepRun) -> dict[str, object]:  # a Ray task: the step with its example's options
        plan = plans[owner[id(run)]]
        return ray_backend.step_task(run, plan.options.manim_flags(), plan.example_file, plan.options.voice)

    try:
        pool = backends.choose(backend, options.jobs, address, task)
    except (ValueError, RayUnavailableError) as error:
        raise RenderError(str(error)) from None
    seen: dict[Path, int] = {}
    for given in expand_examples(examples):
        outcome = ExampleOutcome(given)
        outcomes.append(outcome)
        try:
            plan = plan_render(dataclasses.replace(options, example=given), story, say)
        except RenderError as error:
            _fail(outcome, str(error), started, say)
            continue
        if Path(os.path.abspath(plan.example_file)) in seen:
            outcomes.pop()  # the same file named twice
            continue
        seen[Path(os.path.abspath(plan.example_file))] = len(outcomes) - 1
        outcome.name = plan.example_name
        plans[len(outcomes) - 1] = plan
    if not plans:
        _table(outcomes, time.monotonic() - started, say)
        return outcomes

    with lock(options.media_dir / "render"):
        left: dict[int, int] = {}  # index -> steps still to be ready
        for index, plan in plans.items():
            plan_runs(plan, story, say)
            for run in plan.runs:
                run.example = plan.example_name
                owner[id(run)] = index
            left[index] = len(plan.to_render)
        runs = [run for plan in plans.values() for run in plan.to_render]
        examples_done = 0

        def failed(failure: StepFailedError) -> None:
            index = owner[id(failure.run)]
            if outcomes[index].error is None:
                _fail(outcomes[index], str(step_failure(plans[index], failure)), started, say)

        def ready(run: StepRun) -> None:
            nonlocal examples_done
            index = owner[id(run)]
            left[index] -= 1
            outcomes[index].rendered += 1
            if left[index] == 0 and outcomes[index].error is None:
                examples_done += 1
                say(f"  ready  {outcomes[index].name}: every step rendered  "
                    f"[{examples_done} of {len(plans)} examples]")

        ready_before = sum(len(plan.runs) - len(plan.to_render) for plan in plans.values())
        say(f"attention-explainer batch: {len(runs)} of {len(runs) + ready_before} steps to render "
            f"for {len(plans)} examples, {backend} backend")
        try:
            pool.run_steps(runs, say, ready=ready_before, on_failure=failed, on_done=ready)
        except (OSError, RayUnavailableError) as error:  # the steps' media folders; Ray's cluster
            why = str(error) if isinstance(error, RayUnavailableError) else _write_problem(
                error, options.media_dir / "render")
            for index, plan in plans.items():
                if outcomes[index].error is None:
                    _fail(outcomes[index], f"{why}\nNothing was replaced in {plan.out_dir}.", started, say)
        for index, plan in plans.items():
            outcome = outcomes[index]
            outcome.reused = sum(1 for run in plan.runs if run.cached)
            outcome.render_seconds = sum(run.seconds for run in plan.to_render)
            if outcome.error is not None:
                continue
            say(f"  assemble {outcome.name} ({len(plan.runs)} steps) -> {_relative(plan.out_dir)}")
            try:
                outcome.result = assemble(plan, say)
            except RenderError as error:
                _fail(outcome, str(error), started, say)
                continue
            outcome.seconds = time.monotonic() - started
    _table(outcomes, time.monotonic() - started, say)
    return outcomes


def _fail(outcome: ExampleOutcome, message: str, started: float, say: Progress) -> None:
    outcome.error = message
    outcome.seconds = time.monotonic() - started
    say(f"  FAILED {outcome.name or outcome.example}: {message.splitlines()[0]}")


def summary_table(outcomes: Sequence[ExampleOutcome]) -> list[str]:
    """The batch's summary, one line per example: steps rendered and reused, seconds, where
    its outputs are or why it failed."""
    rows = [("example", "rendered", "reused", "ready at", "render s", "output folder or error")]
    for o in outcomes:
        where = _relative(o.result.out_dir) if o.result else f"FAILED: {_first_words(o.error)}"
        rows.append((o.name or o.example, str(o.rendered), str(o.reused), f"{o.seconds:.1f} s",
                     f"{o.render_seconds:.1f}", where))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w)
                         in enumerate(zip(row[:-1], widths, strict=True))), row[-1]]) for row in rows]


def _first_words(error: str | None) -> str:
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    return " ".join(lines[:3])[:160]


def _table(outcomes: Sequence[ExampleOutcome], seconds: float, say: Progress) -> None:
    failed = [o for o in outcomes if o.error is not None]
    say(f"attention-explainer batch: done in {seconds:.1f} s, {len(outcomes) - len(failed)} of "
        f"{len(outcomes)} examples made")
    for line in summary_table(outcomes):
        say("  " + line)
    for outcome in failed:
        say(f"\n{outcome.name or outcome.example} failed:\n{outcome.error}")
