"""``python -m attention_explainer``: the command line (:mod:`attention_explainer.cli`)."""

import sys

from attention_explainer.cli import main

sys.exit(main())
