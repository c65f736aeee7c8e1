"""attention-explainer's house: everything that is neither a scene nor the mathematics.

- :mod:`attention_explainer.cli`: the ``attention-explainer`` command line (``steps``,
  ``render``, ``gallery``, ``storyboard``); ``python -m attention_explainer`` runs it;
- :mod:`attention_explainer.render`: the render pipeline (one manim process per step, the
  joined video, subtitles, chapters, stills, the slide deck, the README's gallery);
- :mod:`attention_explainer.launcher`: the manim process the pipeline starts for a step;
- :mod:`attention_explainer.storyboard`: every beat's settled frame beside its narration;
- :mod:`attention_manim.settings`: every environment variable, read once;
- :mod:`attention_manim.manim_patches`: every change to manim's own code, applied only
  when asked, behind ``ATTENTION_SPEEDUPS``;
- :mod:`attention_manim.voice`: the spoken narration.

``attention_core`` (the numbers, no manim, no environment) and ``scenes`` (the manim scenes
and their shared pieces) are its neighbours. The scenes use the settings, the patches and the
voice of this package and nothing else of it; the renderer reads ``scenes/story.py`` and runs
each scene in its own process; ``attention_core`` imports neither (``scripts/import_graph.py``,
``tests/test_imports.py``).
"""

# The variables numeric libraries read for their thread count (OpenBLAS, OpenMP, MKL): the
# command line sets each to 1 unless the user did (:mod:`attention_explainer.__main__`).
ONE_BLAS_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
