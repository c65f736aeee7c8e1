"""Imported by the storyboard's forkserver, as the first module it preloads: the server (and so
the workers forked from it, which die with it) is killed when the command that started it dies,
even by SIGKILL (:func:`attention_explainer.lifetime.die_with_parent`). Imported anywhere else
(a test importing every module), it does nothing."""

import sys

from attention_explainer.lifetime import die_with_parent

if "multiprocessing.forkserver" in sys.modules and sys.argv[:1] == ["-c"]:
    die_with_parent()
