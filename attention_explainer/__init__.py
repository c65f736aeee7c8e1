"""attention-explainer's application, the top layer: the command line, the render pipeline, tools.

- :mod:`attention_explainer.cli`: the ``attention-explainer`` command line (``steps``,
  ``render``, ``batch``, ``check``, ``storyboard``, ``gallery``, ...); ``python -m
  attention_explainer`` runs it;
- :mod:`attention_explainer.render`: the render pipeline (one manim process per step, the
  joined video, subtitles, chapters, stills, the slide deck, the README's gallery);
- :mod:`attention_explainer.launcher`: the manim process the pipeline starts for a step;
- :mod:`attention_explainer.storyboard`: every beat's settled frame beside its narration;
- the checks (``check``, ``lints``, ``access_check``, ``accessibility``, ``axe``) and the one
  import walker (``import_walk``).

Below it, in order: ``scenes`` (one manim scene per chapter), ``attention_manim`` (settings,
manim patches, voice, cues), ``attention_content`` (example and corpus files, the story's
claims) and ``attention_core`` (the numbers). It may import all of them and none imports it
(``tests/test_imports.py``); the renderer reads ``scenes/story.py`` and runs each scene in its
own process.
"""

# The variables numeric libraries read for their thread count (OpenBLAS, OpenMP, MKL): the
# command line sets each to 1 unless the user did (:mod:`attention_explainer.__main__`).
ONE_BLAS_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
