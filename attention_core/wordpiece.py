"""BERT's tokenizer, as all-MiniLM-L6-v2 uses it: clean, lower-case, strip accents, split on
whitespace and punctuation (:func:`basic_words`), then WordPiece (:class:`WordPieceTokenizer`:
greedy longest match, ``##`` for a word's later pieces). Used by :mod:`attention_core.real_model`."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from attention_core.errors import AttentionInputError

__all__ = ["MAX_WORD_CHARS", "WordPieceTokenizer", "basic_words", "clean"]

MAX_WORD_CHARS = 100  # WordPiece reads a longer word as [UNK] (tokenizer.json)



def _is_punctuation(char: str) -> bool:
    code = ord(char)
    # BERT counts every non-letter, non-digit ASCII character as punctuation ("$", "^", "`").
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_chinese(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def clean(text: str) -> str:
    """BERT's normaliser: drop NUL, U+FFFD and control characters; every space becomes ' ';
    spaces around CJK ideographs; lower case; accents stripped."""
    out = []
    for char in text:
        code = ord(char)
        if code in (0, 0xFFFD):
            continue
        if char in "\t\n\r" or unicodedata.category(char) == "Zs":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf"):
            continue
        elif _is_chinese(code):
            out.append(f" {char} ")
        else:
            out.append(char)
    lowered = "".join(out).lower()
    return "".join(c for c in unicodedata.normalize("NFD", lowered) if unicodedata.category(c) != "Mn")


def basic_words(text: str) -> list[str]:
    """The words BERT's basic tokenizer sees: whitespace split, each punctuation mark its own.

    >>> basic_words("The bank's loan, approved!")
    ['the', 'bank', "'", 's', 'loan', ',', 'approved', '!']
    """
    words: list[str] = []
    for chunk in clean(text).split():
        current = ""
        for char in chunk:
            if _is_punctuation(char):
                if current:
                    words.append(current)
                words.append(char)
                current = ""
            else:
                current += char
        if current:
            words.append(current)
    return words


class WordPieceTokenizer:
    """BERT's uncased WordPiece over ``vocab.txt`` (one token per line, its id the line number)."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = tuple(vocab)
        self.ids = {token: i for i, token in enumerate(self.vocab)}
        for special in ("[CLS]", "[SEP]", "[UNK]"):
            if special not in self.ids:
                raise AttentionInputError(f"the vocabulary has no {special} token.")

    @classmethod
    def from_file(cls, path: Path | str) -> WordPieceTokenizer:
        lines = Path(path).read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls(lines)

    def pieces(self, word: str) -> list[str]:
        """One basic word as WordPiece pieces, longest match first: ``tokenizer`` ->
        ``['token', '##izer']``; ``['[UNK]']`` when no split exists.

        >>> WordPieceTokenizer(["[CLS]", "[SEP]", "[UNK]", "token", "##izer"]).pieces("tokenizer")
        ['token', '##izer']
        """
        if len(word) > MAX_WORD_CHARS:
            return ["[UNK]"]
        pieces: list[str] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                candidate = word[start:end] if start == 0 else "##" + word[start:end]
                if candidate in self.ids:
                    found = candidate
                    break
                end -= 1
            if found is None:
                return ["[UNK]"]
            pieces.append(found)
            start = end
        return pieces
