"""``python -m attention_explainer`` and the ``attention-explainer`` console script
(:mod:`attention_explainer.cli`)."""

import os
import sys

from attention_explainer import ONE_BLAS_THREAD

# One BLAS thread in this process and in every process it starts (manim's, the storyboard's, a
# local Ray's), unless the user chose a number; set before numpy is first imported, which reads
# it. The project's matrices are tiny (a sentence through MiniLM: 20 x 384), and OpenBLAS's
# thread per core spins against the other processes on those cores: the real model's
# storyboard step is slower with them on a busy machine, not faster.
for _name in ONE_BLAS_THREAD:
    os.environ.setdefault(_name, "1")

from attention_explainer.cli import main  # noqa: E402 (numpy comes with it)


def run() -> None:
    """The command line, exiting with :func:`main`'s code. A storyboard leaves without Python's
    teardown: freeing the built scene's objects one by one is a noticeable wait after its last
    line, in a short command a teacher runs after every edit. Its files are all written and its
    processes gone by then (the other commands end as usual: their pools and Ray clean up at
    exit)."""
    code = main()
    if sys.argv[1:2] == ["storyboard"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # not when pytest imports it for doctests
    run()
