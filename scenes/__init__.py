"""attention-explainer scenes: one module per step of the story, drawn from the core's numbers.

Only scenes and their shared pieces live here: ``base.py`` (ExplainerScene), ``style.py``,
``components/``, and ``story.py`` (the steps in order). A scene uses the layers below it: the
numbers (:mod:`attention_core`), the example and the story's claims (:mod:`attention_content`)
and the manim layer (:mod:`attention_manim`: its settings, the manim patches, the voice); never
the command line or the pipeline (:mod:`attention_explainer`, the layer above).
"""
