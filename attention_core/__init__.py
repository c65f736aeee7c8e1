"""attention_core: every number the attention-explainer scenes show, computed with numpy.

Each function validates its inputs (raising :class:`AttentionInputError`, a ``ValueError``)
and returns a frozen dataclass trace that keeps its intermediate steps, so a scene can draw
any of them. Nothing here imports manim, reads a file or the environment, or imports another
package of the project: the lowest layer (the example and corpus files are
:mod:`attention_content`, the layer above; ``tests/test_imports.py``).
"""

from attention_core.attention import (
    AttentionTrace,
    HeadWeights,
    MultiHeadTrace,
    causal_mask,
    multi_head_attention,
    scaled_dot_product_attention,
)
from attention_core.context import ContextPullTrace, context_pull
from attention_core.errors import AttentionInputError
from attention_core.similarity import (
    CosineTrace,
    DotProductTrace,
    SimilarityMatrixTrace,
    cosine_similarity,
    dot_product,
    similarity_matrix,
)
from attention_core.softmax import (
    HeaviestTrace,
    NaiveNormalizeTrace,
    SoftmaxTrace,
    keep_heaviest,
    naive_normalize,
    softmax,
    softmax_trace,
    with_zero_sum,
)

# Loaded when first asked for (the training module is the core's slowest to import).
_LAZY = {"TrainingSnapshot": "training", "TrainingTrace": "training", "train": "training"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"attention_core.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'attention_core' has no attribute {name!r}")

__all__ = [
    "AttentionInputError",
    "AttentionTrace",
    "ContextPullTrace",
    "CosineTrace",
    "DotProductTrace",
    "HeadWeights",
    "HeaviestTrace",
    "MultiHeadTrace",
    "NaiveNormalizeTrace",
    "SimilarityMatrixTrace",
    "SoftmaxTrace",
    "TrainingSnapshot",
    "TrainingTrace",
    "causal_mask",
    "context_pull",
    "cosine_similarity",
    "dot_product",
    "keep_heaviest",
    "multi_head_attention",
    "naive_normalize",
    "scaled_dot_product_attention",
    "similarity_matrix",
    "softmax",
    "softmax_trace",
    "train",
    "with_zero_sum",
]
