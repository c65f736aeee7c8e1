"""The story: the explainer's steps in the order the full video plays them.

Each :class:`Step` names a scene module in ``scenes/``, the scene class in it, and the
chapter title the full video, its chapters file and the slide deck show. This module
imports nothing from manim, so the renderer can read it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SCENES_DIR", "STORY", "Step", "find_step"]

SCENES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Step:
    """One chapter of the video: ``scenes/<module>.py``'s ``scene`` class, titled ``title``.

    ``source`` overrides where the module file is (tests render stories of tiny scenes).
    """

    module: str
    scene: str
    title: str
    source: Path | None = None
    # Seconds this step took to render (apple, 1080p60 with slides, cold, two jobs on 2 cores;
    # steps 1-10 measured under a load average of ~10, so long on a quiet machine: their order
    # is what counts): on a machine that has not rendered it yet, the renderer starts the
    # longest steps first and estimates with them.
    typical_seconds: float = 0.0
    # Files the scene reads besides its code and the example file, by the name of the
    # :class:`~attention_content.example_types.Example` field that holds their path (the training
    # scene reads the example's ``corpus``): the renderer stamps them with the step.
    reads: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The scene module's file."""
        return self.source or SCENES_DIR / f"{self.module}.py"

    @property
    def spec(self) -> str:
        """``module:Scene``, as the brief and the Makefile write steps."""
        return f"{self.module}:{self.scene}"


STORY: tuple[Step, ...] = (
    # the opening and the recap: estimated from their -ql render with slides (docs/performance.md)
    # until a 1080p60 render measures them
    Step("opening", "Opening", "The question, and the road ahead", typical_seconds=100.0),
    Step("words_in_context", "WordsInContext", "Words as vectors, and why context matters",
         typical_seconds=262.0),
    Step("cosine_similarity", "CosineSimilarity", "Similarity: dot product and cosine",
         typical_seconds=298.4),
    Step("similarity_table", "SimilarityTable", "Every pair of words: the similarity table",
         typical_seconds=239.3),
    Step("gravity_pull", "GravityPull", "Context as gravity: words pull each other", typical_seconds=551.3),
    Step("softmax_normalize", "SoftmaxNormalize", "Softmax: from scores to weights", typical_seconds=328.5),
    Step("keys_and_queries", "KeysAndQueries", "Keys and queries", typical_seconds=277.4),
    Step("value_vectors", "ValueVectors", "Values: what moves a word", typical_seconds=372.5),
    Step("attention_matrix", "AttentionMatrix", "The attention matrix", typical_seconds=381.4),
    Step("multi_head", "MultiHeadAttention", "Multi-head attention", typical_seconds=212.4),
    Step("training", "Training", "Training the weights", typical_seconds=486.6, reads=("corpus",)),
    Step("real_model", "RealTransformer", "What a real transformer does", typical_seconds=143.3),
    Step("recap", "Recap", "The whole pipeline, once", typical_seconds=165.0),
)


def find_step(name: str, story: tuple[Step, ...] = STORY) -> Step:
    """The step called ``name``: its module (``cosine_similarity``), its scene class
    (``CosineSimilarity``), ``module:Scene``, or its number in the story (``2``)."""
    for number, step in enumerate(story, start=1):
        if name in (step.module, step.scene, step.spec, str(number)):
            return step
    names = ", ".join(step.module for step in story)
    raise KeyError(f"no step called {name!r}; the steps are: {names} (or their numbers 1-{len(story)})")
