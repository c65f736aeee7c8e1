"""attention-explainer's renderer and house: what is not a scene and not the mathematics.

- :mod:`attention_explainer.cli`: the ``attention-explainer`` command line;
- :mod:`attention_explainer.render`: the render pipeline (one manim process per step, the
  joined video, subtitles, chapters, stills, the slide deck, the README's gallery).

``attention_core`` (the numbers) and ``scenes`` (the manim scenes) are its neighbours; this
package imports both, neither imports it back (except the settings and manim patches, which
the scenes use).
"""
