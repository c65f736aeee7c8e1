"""attention-explainer scenes: one module per step of the story, drawn from attention_core."""
