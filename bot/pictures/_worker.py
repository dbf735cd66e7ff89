"""A picture worker: `python -m bot.pictures._worker`, started and owned by `Pictures`.

It reads jobs on stdin and answers on stdout, one at a time, each message a 4-byte big-endian
length and a pickle: a job is (function, args), an answer (True, bytes) or (False, error text).
Both ends are this package, so the pickles are trusted. EOF on stdin ends it.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys

from bot.pictures import _style
from bot.pictures._protocol import HEAD, NICE


def _read(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def main() -> None:
    os.nice(NICE)
    # Ctrl-C reaches the whole process group; the bot's shutdown closes the worker itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for size in (20, 22, 24, 26, 28, 30, 32):  # open the fonts once, before the first job
        _style.font(size)
        _style.font(size, bold=True)
    # Answers go out on a private copy of stdout; fd 1 becomes stderr, so a stray print from
    # any library lands in the log instead of corrupting the next answer.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    while (head := _read(jobs, HEAD.size)) is not None:
        body = _read(jobs, HEAD.unpack(head)[0])
        if body is None:
            return
        try:
            fn, args = pickle.loads(body)
            answer = (True, fn(*args))
        except Exception as exc:  # reported to the bot, which logs it and sends the text instead
            answer = (False, f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(HEAD.pack(len(data)) + data)
        answers.flush()


if __name__ == "__main__":
    main()
