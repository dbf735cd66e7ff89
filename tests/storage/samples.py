"""Sample rows for the storage tests: a daily target, a claim of its day, a quiz answer."""

from __future__ import annotations

from typing import Any


async def target(storage: Any, key: str, **changes: str) -> None:
    await storage.daily_set(**{"chat_key": key, "platform": "test", "chat_id": key,
                               "chat_kind": "group", "at_time": "06:00", "tz": "UTC",
                               "next_day": "2026-11-25", "next_due": "2026-11-25T06:00:00+00:00",
                               "now": "2026-11-24T00:00:00+00:00", **changes})


def claim(key: str, **changes: Any) -> dict:
    return {"chat_key": key, "day": "2026-11-25", "term_id": "sync", "cycle": 0,
            "question_id": "sync-1", "next_day": "2026-11-26",
            "next_due": "2026-11-26T06:00:00+00:00", "now": "2026-11-25T06:00:01+00:00",
            **changes}


def answer(post_id: int, user: str, **changes: Any) -> dict:
    return {"post_id": post_id, "user_key": user, "user_name": user, "chat_key": "test:g",
            "question_id": "sync-1", "choice": 0, "correct": True, "now": "2026-11-25T06:00:01+00:00",
            "day": "2026-11-25", "yesterday": "2026-11-24", **changes}
