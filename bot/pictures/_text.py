"""The words on the pictures, in both voices (Hinglish `hi`, the default, and English `en`)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["hi", "en"]

WORDS: dict[str, dict[str, str]] = {
    "timeline_title": {"hi": "Kaunsa task kab chala", "en": "Which task ran when"},
    "running": {"hi": "chal raha hai", "en": "running"},
    "bursts": {"hi": "thoda thoda chala", "en": "ran in short bursts"},
    "waiting": {"hi": "await pe ruka", "en": "waiting at await"},
    "blocking": {"hi": "loop ko block kiya", "en": "blocking the loop"},
    "band": {"hi": "loop atka: koi aur task nahi chala", "en": "loop stuck: no other task could run"},
    "time_ms": {"hi": "time (ms)", "en": "time (ms)"},
    "time_s": {"hi": "time (s)", "en": "time (s)"},
    "more_tasks": {"hi": "+{n} aur tasks", "en": "+{n} more tasks"},
    "no_tasks": {"hi": "Koi task nahi chala", "en": "No task ran"},
    "stats_title": {"hi": "Aapki progress", "en": "Your progress"},
    "unseen": {"hi": "abhi nahi dekha", "en": "not seen yet"},
    "seen": {"hi": "card padha", "en": "card read"},
    "quizzed": {"hi": "quiz diya", "en": "quizzed"},
    "mastered": {"hi": "zyaadatar sahi", "en": "mostly right"},
    "due": {"hi": "revise", "en": "due"},
    "score": {"hi": "{right}/{quizzed} sahi", "en": "{right}/{quizzed} right"},
    "streak": {"hi": "Streak: {n} din (best: {best})", "en": "Streak: {n} day(s) (best: {best})"},
    "today": {"hi": "aaj", "en": "today"},
    "no_terms": {"hi": "Abhi koi term nahi", "en": "No terms yet"},
    "loop_title": {"hi": "Event loop: ek thread, ek waqt mein ek task", "en": "Event loop: one thread, one task at a time"},
    "loop_ready": {"hi": "Ready tasks", "en": "Ready tasks"},
    "loop_ready_sub": {"hi": "chalne ko taiyaar", "en": "waiting for their turn"},
    "loop_running": {"hi": "Running", "en": "Running"},
    "loop_running_sub": {"hi": "sirf ek task", "en": "exactly one task"},
    "loop_waiting": {"hi": "Waiting", "en": "Waiting"},
    "loop_waiting_sub": {"hi": "sleep, network, timer", "en": "sleep, network, timer"},
    "loop_pick": {"hi": "loop ek task uthata hai", "en": "the loop picks one"},
    "loop_await": {"hi": "await (suspend)", "en": "await (suspends)"},
    "loop_wake": {"hi": "kaam ho gaya: wapas ready", "en": "done: ready again"},
    "loop_note": {"hi": "Task sirf await pe control chhodta hai.", "en": "A task hands control back only at an await."},
    "block_title": {"hi": "time.sleep poore loop ko rok deta hai", "en": "time.sleep freezes the whole loop"},
    "block_sync": {"hi": "3 × time.sleep(0.5): ek ke baad ek, 1.5 s", "en": "3 × time.sleep(0.5): one after another, 1.5 s"},
    "block_async": {"hi": "3 × await asyncio.sleep(0.5): saath mein, 0.5 s", "en": "3 × await asyncio.sleep(0.5): together, 0.5 s"},
}


def word(lang: str, key: str, **fields: object) -> str:
    entry = WORDS[key]
    text = entry.get(lang, entry["hi"])
    return text.format(**fields) if fields else text
