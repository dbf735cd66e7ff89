"""The core's ports: what the core needs from the world, as Protocols, and the frozen values
that cross them. Implementations (bot/storage, bot/sandbox, the adapters) import these; the
core never imports an implementation. `bot.core.services.Services` holds one of each."""

from bot.core.clock import Clock
from bot.core.ports.delivery import Deliverer, Delivery, TargetGone
from bot.core.ports.sandbox import (
    Budget,
    Busy,
    CoolingDown,
    Ending,
    Limits,
    Queued,
    RunRequest,
    RunResult,
    SandboxPort,
    Unavailable,
)
from bot.core.ports.storage import (
    Answer,
    BoardRow,
    CooldownTake,
    DailyMessage,
    DailyStore,
    DailyTarget,
    LedgerEntry,
    LimitStore,
    PlatformState,
    PracticeStore,
    Preferences,
    QuizPost,
    QuizRound,
    QuizStore,
    RoundPost,
    Score,
    Snippet,
    SnippetStore,
    SrsItem,
    Store,
    TelegramPoll,
)

__all__ = [
    "Answer", "BoardRow", "Budget", "Busy", "Clock", "CooldownTake", "CoolingDown", "DailyMessage",
    "DailyStore", "DailyTarget", "Deliverer", "Delivery", "Ending", "LedgerEntry", "LimitStore",
    "Limits", "PlatformState", "PracticeStore", "Preferences", "Queued", "QuizPost", "QuizRound",
    "QuizStore", "RoundPost", "RunRequest", "RunResult", "SandboxPort", "Score", "Snippet",
    "SnippetStore", "SrsItem", "Store", "TargetGone", "TelegramPoll", "Unavailable",
]
