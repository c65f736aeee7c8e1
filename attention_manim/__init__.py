"""The manim layer: what every scene needs of manim and of the house at render time.

Above the numeric core and the content (which it imports), below the scenes and the
application: the settings read once from the environment (:mod:`attention_manim.settings`),
every change to manim's own code (:mod:`attention_manim.manim_patches`), the narration's voice and
the soundtrack, the slides' kept frames, the subtitle cues, the scene base class and its beats.
It imports no scene and no part of the application (tests/test_imports.py).
"""
