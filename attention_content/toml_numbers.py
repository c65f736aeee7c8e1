"""Change numbers in a TOML file's text, keeping everything else: comments, layout, order.

:func:`number_tokens` finds every number a value holds, with its place in the text and its
path in the parsed document (``("words", "apple", 0)``, ``("heads", 1, "query", 0, 1)``: the
second ``[[heads]]`` table's query, row 0, column 1); :func:`replace_numbers` writes new values
in their place. A file this small scanner does not follow (inline tables, dotted keys spread
over tables) gives None, and the caller writes the file afresh.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["number_tokens", "replace_numbers"]

Path = tuple[Any, ...]
_NUMBER = re.compile(r"[+-]?(?:inf|nan|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)")


def _key(text: str) -> tuple[str, ...] | None:
    """A TOML key's parts (``a."b c"`` -> ("a", "b c")), or None when it is not a key."""
    try:
        data: Any = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts = []
    while isinstance(data, dict) and len(data) == 1:
        (name, data), = data.items()
        parts.append(name)
    return tuple(parts)


def _skip_string(text: str, i: int) -> int:
    """The index after the string that starts at ``text[i]``."""
    for quote in ('"""', "'''", '"', "'"):
        if text.startswith(quote, i):
            j = i + len(quote)
            while j < len(text):
                if quote[0] == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    return j + len(quote)
                j += 1
            return j
    return i + 1


def number_tokens(text: str) -> list[tuple[int, int, Path]] | None:
    """Every number of the document: (start, end, path), in order; None if not followed."""
    found: list[tuple[int, int, Path]] = []
    table: Path = ()
    arrays: dict[tuple[str, ...], int] = {}
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif c == "[":  # a table header
            end = text.find("\n", i)
            end = n if end < 0 else end
            line = text[i:end].split("#")[0].strip()
            double = line.startswith("[[")
            name = _key(line.strip("[]").strip())
            if name is None:
                return None
            if double:
                arrays[name] = arrays.get(name, -1) + 1
                table = (*name, arrays[name])
            else:
                table = name
            i = end
        else:  # key = value
            j = i
            while j < n and text[j] not in "=\n":
                j = _skip_string(text, j) if text[j] in "\"'" else j + 1
            if j >= n or text[j] != "=":
                return None
            key = _key(text[i:j].strip())
            if key is None:
                return None
            i = _value(text, j + 1, (*table, *key), found)
            if i < 0:
                return None
    return found


def _value(text: str, i: int, path: Path, found: list[tuple[int, int, Path]]) -> int:
    """Scan one value from ``text[i]``, adding its numbers; the index after it (-1: not followed)."""
    stack: list[int] = []
    started = False
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n" and not stack and started:
            return i
        if c in " \t\r\n":
            i += 1
        elif c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif c in "\"'":
            i, started = _skip_string(text, i), True
        elif c == "{":
            return -1
        elif c == "[":
            stack.append(0)
            i, started = i + 1, True
        elif c == "]":
            if not stack:
                return -1
            stack.pop()
            i += 1
        elif c == ",":
            if not stack:
                return -1
            stack[-1] += 1
            i += 1
        elif (match := _NUMBER.match(text, i)) and not text[match.end():match.end() + 1].isalpha():
            found.append((match.start(), match.end(), (*path, *stack)))
            i, started = match.end(), True
        else:  # true, false, a date: not a number
            while i < n and text[i] not in " \t\r\n,]#":
                i += 1
            started = True
    return i


def _at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def replace_numbers(text: str, numbers: Mapping[Path, np.ndarray], decimals: int = 2) -> str | None:
    """``text`` with each block of ``numbers`` (path -> array) written in place of its numbers,
    with ``decimals`` decimals; a trailing comment keeps its column where the spaces before it
    allow. None when the file is not one this scanner follows."""
    tokens = number_tokens(text)
    if tokens is None:
        return None
    try:
        data = tomllib.loads(text)
        if any(float(_at(data, path)) != float(text[a:b].replace("_", "")) for a, b, path in tokens):
            return None
    except (tomllib.TOMLDecodeError, KeyError, IndexError, TypeError, ValueError):
        return None
    wanted: dict[Path, float] = {}
    for path, block in numbers.items():
        for index, value in np.ndenumerate(np.asarray(block)):
            wanted[(*path, *index)] = float(value)
    places = {path: (a, b) for a, b, path in tokens}
    if not set(wanted) <= set(places):
        return None
    out, last = [], 0
    for path, (a, b) in sorted(((p, places[p]) for p in wanted), key=lambda item: item[1][0]):
        if float(text[a:b].replace("_", "")) == wanted[path]:
            continue  # unchanged: the teacher's own spelling stays
        out += [text[last:a], f"{wanted[path]:.{decimals}f}"]
        last = b
    out.append(text[last:])
    return "\n".join(_keep_comment_column(new, old)
                     for new, old in zip("".join(out).split("\n"), text.split("\n"), strict=True))


def _keep_comment_column(line: str, original: str) -> str:
    """Move a trailing ``  # comment`` back to the column it had in ``original``."""
    new_at, old_at = _comment_at(line), _comment_at(original)
    if new_at is None or old_at is None or new_at == old_at:
        return line
    code = line[:new_at].rstrip()
    return code + " " * max(1, old_at - len(code)) + line[new_at:]


def _comment_at(line: str) -> int | None:
    """Where a comment after some code starts on ``line`` (outside strings), or None."""
    i = 0
    while i < len(line):
        if line[i] in "\"'":
            i = _skip_string(line, i)
        elif line[i] == "#":
            return i if line[:i].strip() else None
        else:
            i += 1
    return None
