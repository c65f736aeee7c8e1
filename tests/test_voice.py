"""The spoken narration (attention_manim/voice.py): spoken forms, loudness, the clip cache,
Piper itself (the voice extra, which scripts/setup.sh installs), and the message without it."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from fake_voice import RATE, FakeVoice, tone

from attention_manim.voice import (
    SPOKEN_FORMS,
    Speaker,
    VoiceSettings,
    active_rms_db,
    normalise,
    read_wav,
    spoken_form,
)

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("written", "spoken"), [example for _, _, example in SPOKEN_FORMS],
                         ids=[example[0] for _, _, example in SPOKEN_FORMS])
def test_each_spoken_form_rule_on_its_example(written: str, spoken: str) -> None:
    assert spoken_form(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("The residual: apple keeps itself, x, and adds the weighted values: x' = x + Σ w v.",
     "The residual: apple keeps itself, x, and adds the weighted values: x prime = x + the sum of w v."),
    ("The same shape as gravity's x' = x + Σ w (x_j − x), with learned values in place of the arrows.",
     "The same shape as gravity's x prime = x + the sum of w (x j minus x), with learned values in place "
     "of the arrows."),
    ("Dividing by √d_k is softmax's temperature T = √d_k: in big models",
     "Dividing by the square root of d k is softmax's temperature T = the square root of d k: in big models"),
    ("scores above the diagonal become −∞.", "scores above the diagonal become minus infinity."),
    ("A times V gives each word its update: apple's is (-0.48, 2.32).",
     "Eh times V gives each word its update: apple's is (minus 0.48, 2.32)."),
    ("A made-up case: if “and” scored -11.29", "A made-up case: if “and” scored minus 11.29"),
    ("the 2-D toy, between -1 and 1", "the 2-D toy, between minus 1 and 1"),
    ("“apple”'s own weight, 0.23, pulls nowhere", "apple's own weight, 0.23, pulls nowhere"),
    ('Rows sum to 1 (rounded, "and"\'s shows 1.01).', "Rows sum to 1 (rounded, and's shows 1.01)."),
    ("its query times orange's key, q · k = 11.63.", "its query times orange's key, q dot k = 11.63."),
    ("X plus softmax of Q Kᵀ over", "X plus softmax of Q K transposed over"),
    ("16 numbers a word, 70 words, W_Q, W_K and W_V of 16 × 4.",
     "16 numbers a word, 70 words, W Q, W K and W V of 16 times 4."),
], ids=lambda value: value[:24])
def test_narration_lines_are_prepared_for_speech(written: str, spoken: str) -> None:
    assert spoken_form(written) == spoken


def test_active_level_ignores_pauses() -> None:
    # a sine of amplitude a has RMS a/sqrt(2): -9.03 dBFS for 0.5, whatever silence surrounds it
    with_pauses = np.concatenate([np.zeros(RATE), tone(1.0, 0.5), np.zeros(3 * RATE)])
    assert active_rms_db(with_pauses, RATE) == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.05)
    assert active_rms_db(np.zeros(RATE), RATE) == -np.inf


@pytest.mark.parametrize("amplitude", [0.02, 0.1, 0.5, 0.95])
def test_normalise_brings_every_level_to_the_target_and_peaks_below_full_scale(amplitude: float) -> None:
    out = normalise(tone(0.5, amplitude), RATE, target_db=-21.0, ceiling=0.89)
    assert active_rms_db(out, RATE) == pytest.approx(-21.0, abs=0.01)
    loud = normalise(tone(0.5, amplitude), RATE, target_db=-1.0, ceiling=0.89)  # forced into the limiter
    assert np.abs(loud).max() < 1.0
    assert np.abs(loud).max() > 0.89


def test_clips_are_cached_by_spoken_text_and_settings(tmp_path: Path) -> None:
    first = FakeVoice(tmp_path)
    clip = first.speak("One two three. Four five.")
    # 3 words, a 0.3 s pause, 2 words; each sentence at the target level
    assert clip.seconds == pytest.approx(0.3 + 0.2 + 0.3, abs=1 / RATE)
    samples, rate = read_wav(clip.path)
    assert rate == RATE
    assert active_rms_db(samples[: round(0.3 * RATE)], RATE) == pytest.approx(-21.0, abs=0.05)
    assert active_rms_db(samples[-round(0.2 * RATE):], RATE) == pytest.approx(-21.0, abs=0.05)
    mtime = clip.path.stat().st_mtime_ns

    again = FakeVoice(tmp_path)  # another process, the same cache: nothing synthesised
    assert again.speak("One two three. Four five.") == clip
    assert again.synthesised == 0 and clip.path.stat().st_mtime_ns == mtime
    # the same spoken form is the same clip; another text or other settings are not
    assert again.speak("One two three. Four five.").path == again.clip_path("One two three. Four five.")
    assert FakeVoice(tmp_path).clip_path("W_Q") == FakeVoice(tmp_path).clip_path("W Q")
    slower = FakeVoice(tmp_path, VoiceSettings(length_scale=1.2))
    assert slower.clip_path("One two three. Four five.") != clip.path
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no partial files


# ------------------------------------------------------------------ Piper itself (voice extra)


def test_piper_says_a_beat_at_the_target_level_and_reuses_it(tmp_path: Path) -> None:
    pytest.importorskip("piper", reason="the voice extra is not installed")
    speaker = Speaker(tmp_path)
    clip = speaker.speak("The query matrix W_Q. Then x' = x + Σ w v.")
    assert speaker.synthesised == 1
    with wave.open(str(clip.path)) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, 22050, 2)
    samples, rate = read_wav(clip.path)
    # two sentences of speech: seconds, not milliseconds, and the 0.3 s pause between them
    assert 2.0 < clip.seconds < 8.0
    assert active_rms_db(samples, rate) == pytest.approx(-21.0, abs=1.5)
    assert np.abs(samples).max() < 1.0
    again = Speaker(tmp_path)
    assert again.speak("The query matrix W_Q. Then x' = x + Σ w v.") == clip
    assert again.synthesised == 0


def test_piper_phonemes_of_the_spoken_forms() -> None:
    """A listening proxy: espeak-ng's phonemes (what Piper will say) for the spoken forms."""
    pytest.importorskip("piper", reason="the voice extra is not installed")
    speaker = Speaker(Path("unused"))
    voice = speaker._load()

    def phonemes(text: str) -> str:
        return " ".join("".join(sentence) for sentence in voice.phonemize(spoken_form(text)))

    assert "pɹˈaɪm" in phonemes("x' = x")  # "prime"; without the spoken form: "ex equals ex"
    assert "ˈɛs" not in phonemes("“apple”'s own weight")  # not "apple ess"
    assert "sˈʌm" in phonemes("x + Σ w v") and "sˈɪɡmə" not in phonemes("x + Σ w v")
    assert phonemes("A times V").startswith("ˈeɪ")  # not "uh times V"
    assert "tɹænspˈoʊzd" in phonemes("Q Kᵀ")
    assert "dˈɑːt" in phonemes("q · k")
    assert "mˈaɪnəs" in phonemes("(-0.48, 2.32)")  # Piper alone drops a minus after a bracket
    assert "slˈæʃ" not in phonemes("softmax(dot / T)")


def test_without_the_voice_extra_speaking_says_how_to_install_it(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['piper'] = None\n"
            "from pathlib import Path\n"
            "from attention_manim.voice import Speaker, VoiceUnavailableError\n"
            "try:\n"
            f"    Speaker(Path({str(tmp_path)!r}))._load()\n"
            "except VoiceUnavailableError as error:\n"
            "    print(error)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True,
                            env={**os.environ}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "piper-tts not installed" in result.stdout
    assert "pip install -e '.[voice]'" in result.stdout and "VOICE=1" in result.stdout
