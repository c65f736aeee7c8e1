"""``python -m attention_explainer`` and the ``attention-explainer`` console script
(:mod:`attention_explainer.cli`)."""

import os
import sys

from attention_explainer.cli import main


def run() -> None:
    """The command line, exiting with :func:`main`'s code. A storyboard leaves without Python's
    teardown: freeing the built scene's objects one by one took 0.3-0.4 s after its last line,
    of a 2-4 s command a teacher runs after every edit. Its files are all written and its
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
