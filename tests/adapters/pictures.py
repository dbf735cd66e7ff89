"""Shared by the adapters' picture tests: a core whose pictures are on (real worker processes),
and a PNG's header read back from the bytes that arrived."""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.app import Core
from bot.core.clock import iso
from bot.pictures import Pictures
from bot.pictures.port import PictureService
from tests.conftest import rewire

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@contextlib.asynccontextmanager
async def pictured(core: Core) -> AsyncIterator[Core]:
    """The core with the pictures service on. Without Debian's fonts-dejavu-core the test
    skips locally and fails under CI=true (CI installs it)."""
    async with Pictures() as pictures:
        service = PictureService.if_drawable(pictures)
        if service is None:
            if os.environ.get("CI") == "true":
                pytest.fail("pictures are off: the font is missing")
            pytest.skip("pictures are off: install fonts-dejavu-core")
        rewire(core, pictures=service)
        yield core


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; fails on anything that is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, data[:16]
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


async def give_an_answer(core: Core, chat_key: str, user_key: str) -> None:
    """One right answer to the bank's first question, recorded as /answer would (today)."""
    entry = core.services.quiz_bank.ordered[0]
    now = core.services.clock.now()
    post = await core.services.quiz.create_quiz_post(chat_key, entry.id, "quiz", None, iso(now))
    today = now.date()
    await core.services.quiz.record_answer(
        post_id=post, user_key=user_key, user_name="Asha", chat_key=chat_key, question_id=entry.id,
        choice=entry.question.answer, correct=True, now=iso(now), day=today.isoformat(),
        yesterday=(today - timedelta(days=1)).isoformat())
