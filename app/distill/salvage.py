"""Stopping a weak model that loops, keeping what it got right before.

A grammar makes every token fit the schema, but cannot bound a string's length (llama.cpp
unrolls length bounds into one rule per character), and small models fall into loops that
repeat a sentence until `max_tokens`. `StreamGuard` watches the streamed JSON and stops the
generation once a string runs past any sane length; the answers complete before that point
are still read (amber/distill/rewrite_prompt.py `answers_in`).
"""

from __future__ import annotations

MAX_STRING_CHARS = 400
# A string that writes the same this many characters twice is a loop (a sentence of a
# page repeats no clause word for word): stopped there, not at its length limit.
REPEAT_CHARS = 24


class RunawayOutput(RuntimeError):
    """The model is repeating itself inside a string; generation is stopped."""


class StreamGuard:
    """An `on_text` callback: collects the text and stops a runaway string."""

    def __init__(self, max_string: int = MAX_STRING_CHARS) -> None:
        self.max_string = max_string
        self.parts: list[str] = []
        self._in_string = False
        self._escaped = False
        self._run = 0
        self._string: list[str] = []  # the string being written

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, piece: str) -> None:
        self.parts.append(piece)
        for char in piece:
            self._step(char)
        if self._in_string and self._run > self.max_string:
            raise RunawayOutput(f"a string ran past {self.max_string} characters")
        if self._in_string and self._repeats():
            raise RunawayOutput(f"a string repeated {REPEAT_CHARS} characters")

    def _repeats(self) -> bool:
        written = "".join(self._string)
        tail = written[-REPEAT_CHARS:]
        return len(tail) == REPEAT_CHARS and written.find(tail) < len(written) - REPEAT_CHARS

    def _step(self, char: str) -> None:
        if not self._in_string:
            self._in_string = char == '"'
            self._run = 0
            self._string = []
        elif self._escaped:
            self._escaped = False
            self._run += 1
            self._string.append(char)
        elif char == "\\":
            self._escaped = True
        elif char == '"':
            self._in_string = False
        else:
            self._run += 1
            self._string.append(char)
