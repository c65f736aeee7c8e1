"""``python -m attention_explainer``: the command line (:mod:`attention_explainer.cli`)."""

import sys

from attention_explainer.cli import main

if __name__ == "__main__":  # not when pytest imports it for doctests
    sys.exit(main())
