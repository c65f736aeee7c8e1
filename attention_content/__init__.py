"""The content: what the explainer says and about which words, read from files and checked.

Above the numeric core (:mod:`attention_core`, which it imports) and below everything that
draws: the example files and their schema (:mod:`attention_content.examples`), the training
corpus (:mod:`attention_content.corpus`), the story's claims about an example's numbers
(:mod:`attention_content.story`), what the font can draw (:mod:`attention_content.glyphs`).
No manim, no scene, no renderer is imported here (tests/test_imports.py).
"""
