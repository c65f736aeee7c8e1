"""attention-explainer scenes: one module per step of the story, drawn from attention_core.

Only scenes and their shared pieces live here: ``base.py`` (ExplainerScene), ``style.py``,
``components/``, and ``story.py`` (the steps in order). The renderer, the command line, the
settings and the changes to manim are in :mod:`attention_explainer`; a scene reads its
settings from :mod:`attention_manim.settings` and gets the manim patches when it is made.
"""
