"""The storage ports: what the core keeps, per area, and the frozen rows it gets back.

Backend-neutral on purpose: instants are UTC ISO-8601 strings (`bot.core.clock.iso`), days are
local dates `YYYY-MM-DD`, keys are "platform:id". A store may cache, but a write through one
method must be seen by every later read through another.
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

# The terms a chat's daily posts rotate through; the first is the default.
DAILY_TRACKS: tuple[str, ...] = ("curriculum", "all")


@dataclass(frozen=True, slots=True)
class QuizPost:
    """A question posted in a chat (by /quiz, a daily post or /practice); buttons carry its id."""

    id: int
    chat_key: str
    question_id: str
    source: str  # "quiz", "daily" or "practice"
    owner_key: str | None  # /practice: only this user may answer
    posted_at: str
    # Shown place k held the bank's choice number choice_order[k-1]; () = the bank's order (every
    # post made before choices were shuffled). Answers are stored by the bank's number.
    choice_order: tuple[int, ...] = ()
    asked_by: str | None = None  # whose /quiz or round it was
    closes_at: str | None = None  # a timed question takes answers until then

    def order(self, count: int) -> tuple[int, ...]:
        """The bank's choice numbers in the order this post showed them."""
        return self.choice_order if len(self.choice_order) == count else tuple(range(1, count + 1))

    def original(self, shown: int, count: int) -> int:
        """The bank's number of the choice shown at place `shown` (1-based)."""
        return self.order(count)[shown - 1]

    def shown(self, original: int, count: int) -> int:
        """Where this post showed the bank's choice `original` (1-based)."""
        return self.order(count).index(original) + 1


@dataclass(frozen=True, slots=True)
class QuizRound:
    """A timed round in one chat: `size` questions, `seconds` each, then a scoreboard."""

    id: int
    chat_key: str
    platform: str
    chat_id: str
    chat_kind: str
    started_by: str
    lang: str
    term_id: str | None
    size: int
    seconds: int
    asked: int  # questions posted so far
    due: str | None  # when its next step is due
    status: str  # running, done, stopped (by /quiz stop) or closed (found stale at a restart)
    started_at: str
    ended_at: str | None


@dataclass(frozen=True, slots=True)
class RoundPost:
    """One question of a round: the post, and the message a reveal may edit."""

    round_id: int
    position: int
    post_id: int
    message_id: str | None
    revealed: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """One user's answer to one posted question (one per user per post)."""

    post_id: int
    user_key: str
    chat_key: str
    question_id: str
    choice: int
    correct: bool
    answered_at: str


@dataclass(frozen=True, slots=True)
class Score:
    """A user's running totals in one chat; streaks count local days with an answer."""

    chat_key: str
    user_key: str
    user_name: str
    answered: int
    correct: int
    streak: int
    best_streak: int
    last_day: str | None


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of a chat's leaderboard."""

    user_key: str
    user_name: str
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class DailyTarget:
    """A chat's daily post: its local time and zone, and the next local day it is due for."""

    chat_key: str
    platform: str
    chat_id: str
    chat_kind: str
    at_time: str  # HH:MM, local
    tz: str  # IANA name
    enabled: bool
    next_day: str
    next_due: str
    disabled_reason: str | None
    updated_at: str
    taken_by: str | None = None  # the process about to claim its next day (daily_take)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """What happened to one target's post on one local day."""

    chat_key: str
    local_day: str
    status: str  # claimed, sent, unknown, missed, failed or gone
    term_id: str | None
    post_id: int | None
    detail: str | None
    updated_at: str
    owner: str | None = None  # while 'claimed': the process sending it


# What became of one message of a daily post. 'pending' (not started) and 'sending' (in flight)
# are the live states; the others are final.
MESSAGE_STATES: tuple[str, ...] = ("pending", "sending", "sent", "unknown", "failed", "gone",
                                   "skipped")


@dataclass(frozen=True, slots=True)
class DailyMessage:
    """One message of a claimed daily post (its recap, its question): each has its own entry,
    so a post cut between two messages is completed, and only a message in flight when its
    process died is 'unknown'."""

    chat_key: str
    local_day: str
    part: int  # 1, 2, ... in sending order
    kind: str
    status: str  # one of MESSAGE_STATES
    sent_by: str | None  # the process that started sending it
    detail: str | None
    updated_at: str


@dataclass(frozen=True, slots=True)
class SrsItem:
    """One user's spaced-repetition state of one item ("q:<question>" or "card:<id>")."""

    user_key: str
    item: str
    due: str
    state_json: str  # fsrs.Card.to_json()
    reason: str | None  # e.g. the misconception that scheduled a card review
    updated_at: str


@dataclass(frozen=True, slots=True)
class TelegramPoll:
    """A quiz poll the bot sent: the posted question it stands for and where it went."""

    poll_id: str
    post_id: int
    chat_id: str
    chat_kind: str
    message_id: int
    sent_at: str


@dataclass(frozen=True, slots=True)
class CooldownTake:
    """The answer to `cooldown_take`: the use was noted at `at` (epoch seconds, the store's
    clock), or refused because the last one is too recent (`wait_s` seconds left)."""

    taken: bool
    at: float
    wait_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Snippet:
    """Code a user ran with /run, kept for a while so that they can change it and run it again."""

    id: str
    user_key: str
    code: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ChallengeAttempt:
    """One user's progress on one challenge: opened ('new'), submitted ('tried'), passed
    ('solved', for good: a later ❌ does not undo it)."""

    user_key: str
    challenge_id: str
    status: str  # "new", "tried" or "solved"
    tries: int
    last_code: str | None
    last_check: str | None  # the check the latest submission failed (None: it passed)
    opened_at: str | None
    opened_seq: int  # orders this user's opens (the latest is what /submit without an id means)
    updated_at: str
    solved_at: str | None
    solved_chat: str | None  # the chat where it was first solved: it counts there
    solved_name: str


@dataclass(frozen=True, slots=True)
class SolvedRow:
    """One line of a chat's challenge leaderboard."""

    user_key: str
    user_name: str
    solved: int


class Preferences(Protocol):
    """Languages chosen with /lang, a chat's time zone, and the cards a user has seen."""

    async def langs(self, user_key: str, chat_key: str) -> tuple[str | None, str | None]:
        """The user's and the chat's language choices (None = never chosen)."""

    async def user_lang(self, user_key: str) -> str | None: ...

    async def set_user_lang(self, user_key: str, lang: str) -> None: ...

    async def chat_lang(self, chat_key: str) -> str | None: ...

    async def set_chat_lang(self, chat_key: str, lang: str) -> None: ...

    async def chat_tz(self, chat_key: str) -> str | None:
        """The zone of the chat's daily schedule (its days, streaks and weeks), if any."""

    async def mark_seen(self, user_key: str, term_id: str) -> None: ...

    async def seen_terms(self, user_key: str) -> set[str]: ...


class QuizStore(Protocol):
    """Posted questions, answers, scores and streaks."""

    async def create_quiz_post(self, chat_key: str, question_id: str, source: str,
                               owner_key: str | None, now: str, *,
                               choice_order: tuple[int, ...] = (), asked_by: str | None = None,
                               closes_at: str | None = None) -> int:
        """The new post's id."""

    async def quiz_post(self, post_id: int) -> QuizPost | None: ...

    async def last_quiz_post(self, chat_key: str, asked_by: str) -> QuizPost | None:
        """The latest question put to `asked_by` in the chat: their /quiz, their round, their
        /practice question."""

    async def user_answer(self, post_id: int, user_key: str) -> Answer | None: ...

    async def post_tally(self, post_id: int) -> tuple[int, int]:
        """(answers, correct answers) of one posted question."""

    async def record_answer(self, *, post_id: int, user_key: str, user_name: str, chat_key: str,
                            question_id: str, choice: int, correct: bool, now: str, day: str,
                            yesterday: str) -> bool:
        """Store an answer and update the score and streak, atomically. False (and nothing
        changed) if the user already answered this post."""

    async def score(self, chat_key: str, user_key: str) -> Score | None: ...

    async def leaderboard(self, chat_key: str, *, since: str | None = None, limit: int = 10
                          ) -> list[BoardRow]:
        """Top users by correct answers (then fewer answers): all time, or since an instant."""

    async def answered_questions(self, user_key: str) -> set[str]: ...

    async def question_use(self, user_key: str) -> dict[str, int]:
        """How often each question was put to this user: posts they asked for or answered."""

    # Timed rounds.

    async def round_start(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                          started_by: str, lang: str, term_id: str | None, size: int,
                          seconds: int, now: str) -> int | None:
        """The new round's id, due at once; None when the chat already has a running round."""

    async def round_get(self, round_id: int) -> QuizRound | None: ...

    async def round_running(self, chat_key: str) -> QuizRound | None: ...

    async def rounds_running(self) -> list[QuizRound]: ...

    async def round_add_post(self, round_id: int, position: int, post_id: int, due: str,
                             message_id: str | None = None) -> None:
        """Question `position` is posted (as that message, where the platform gave an id):
        counted as asked, the round's next step due then."""

    async def round_posts(self, round_id: int) -> list[RoundPost]: ...

    async def post_revealed(self, post_id: int) -> bool:
        """Whether a round already showed this question's answer (then it takes no more)."""

    async def round_revealed(self, round_id: int, position: int, due: str | None) -> None:
        """The question's answer was shown; the round's next step is due then."""

    async def round_end(self, round_id: int, status: str, now: str) -> bool:
        """End a running round (done, stopped or closed); False when it was not running."""

    async def round_board(self, round_id: int) -> list[BoardRow]:
        """The round's players by correct answers (then fewer answers)."""

    async def answers_in_chat(self, chat_key: str, user_key: str) -> list[Answer]:
        """Every answer of one user in one chat, oldest first (the /stats picture)."""

    async def forget_user(self, user_key: str) -> int:
        """Delete a user's answers, scores and reviews everywhere; the number of rows removed."""

    async def user_has_practice_data(self, user_key: str) -> bool: ...


class DailyStore(Protocol):
    """Daily targets, the once-per-local-day ledger, and the term rotation."""

    async def daily_target(self, chat_key: str) -> DailyTarget | None: ...

    async def daily_set(self, *, chat_key: str, platform: str, chat_id: str, chat_kind: str,
                        at_time: str, tz: str, next_day: str, next_due: str, now: str) -> None: ...

    async def daily_disable(self, chat_key: str, reason: str, now: str) -> bool:
        """False when it was not enabled."""

    async def daily_next_due(self, platforms: list[str], instance: str | None = None
                             ) -> str | None:
        """The earliest due instant among enabled targets on the platforms; given `instance`,
        leaving out targets another process took (daily_next_adoption says when they might
        fall to this one)."""

    async def daily_due(self, now: str, platforms: list[str], limit: int = 500
                        ) -> list[DailyTarget]:
        """Due targets (read only: the scheduler takes them with daily_take)."""

    # Several processes fan out at once. Each registers with a heartbeat whose `alive_until` is
    # its lease; whatever it took or claimed is its own while the lease lasts, and is taken over
    # (daily_adopt) only after it ran out. Exactly-once rests on two atomic moves: the ledger's
    # (chat, day) key for a claim, and a message's single move from 'pending' to 'sending'.

    async def daily_heartbeat(self, instance: str, now: str, alive_until: str) -> int:
        """Register or renew this process's lease; the number of live processes (self included):
        the fleet's rate ceiling is split between them."""

    async def daily_leave(self, instance: str) -> None:
        """A clean stop: the lease ends now (its leftovers are adopted by the next pass anywhere)."""

    async def daily_take(self, now: str, platforms: list[str], instance: str, limit: int
                         ) -> list[DailyTarget]:
        """Take up to `limit` due targets for this process, earliest first: each is taken by
        exactly one process (row locks, SKIP LOCKED where several processes share the rows),
        and once (a later take skips it, even this process's); a target taken by a process
        whose lease ran out may be taken again."""

    async def daily_adopt(self, now: str, instance: str, limit: int = 500, *, own: bool = True
                          ) -> list[LedgerEntry]:
        """Take over the posts of processes whose lease ran out: their messages in flight become
        'unknown' (never resent), their targets taken but not claimed are free again, and their
        claimed posts (up to `limit`) now belong to `instance`, which sends what is 'pending'.
        Live processes' claims are never touched. With `own` (between passes), what
        `instance` itself left (a pass that failed) is treated the same way; without (during
        a pass, whose sends are under way), it is left alone."""

    async def daily_next_adoption(self, instance: str) -> str | None:
        """When work held by another process falls to the others if its lease is not renewed:
        the earliest lease among processes holding taken targets or claimed posts (a past
        instant for leftovers whose process is gone). None when no other process holds any."""

    async def daily_advance(self, *, chat_key: str, day: str, status: str, detail: str | None,
                            next_day: str, next_due: str, now: str) -> None:
        """Record a day that will not be posted and move the target to its next day."""

    async def daily_claim(self, *, chat_key: str, day: str, term_id: str, cycle: int,
                          question_id: str, next_day: str, next_due: str, now: str,
                          choice_order: tuple[int, ...] = (), owner: str | None = None,
                          parts: tuple[str, ...] = ("post",)) -> int | None:
        """Claim one target's post for one local day (ledger 'claimed' by `owner`, one 'pending'
        message per part, term shown, question posted, target moved on and no longer taken, all
        at once): the post id, or None if the day has a row."""

    async def daily_record(self, chat_key: str, day: str, status: str, detail: str | None,
                           now: str) -> None:
        """The post's outcome (its owner is cleared)."""

    async def daily_message_start(self, chat_key: str, day: str, part: int, instance: str,
                                  now: str) -> bool:
        """Move the message from 'pending' to 'sending' if `instance` owns the post: True means
        send it now; False (another process has it, or it was started already) means never."""

    async def daily_message_done(self, chat_key: str, day: str, part: int, status: str,
                                 detail: str | None, now: str) -> None:
        """A started (or skipped) message's outcome: sent, failed, gone or skipped."""

    async def daily_messages(self, chat_key: str, day: str) -> list[DailyMessage]:
        """The post's messages in sending order."""

    async def daily_ledger(self, chat_key: str, limit: int = 7) -> list[LedgerEntry]:
        """The latest days first."""

    async def daily_ledger_day(self, chat_key: str, day: str) -> LedgerEntry | None: ...

    async def daily_ledger_counts(self) -> dict[str, int]:
        """Ledger rows by status."""

    async def daily_rotation(self, chat_key: str) -> tuple[int, set[str]]:
        """The chat's current rotation cycle and the terms already shown in it."""

    async def daily_mark_shown(self, chat_key: str, cycle: int, term_id: str, now: str) -> None: ...

    async def daily_track(self, chat_key: str) -> str:
        """The terms the chat's daily posts rotate through: "curriculum" (the revision sheet,
        also for a chat that never chose) or "all" (the sheet, then level 2)."""

    async def daily_set_track(self, chat_key: str, track: str, now: str) -> None:
        """Choose the chat's track (one of DAILY_TRACKS); ValueError for any other."""


class PracticeStore(Protocol):
    """Spaced repetition: one state per user per item."""

    async def srs_get(self, user_key: str, item: str) -> SrsItem | None: ...

    async def srs_put(self, user_key: str, item: str, *, due: str, state_json: str,
                      reason: str | None, now: str) -> None:
        """Insert or update; a None reason keeps the stored one."""

    async def srs_due(self, user_key: str, now: str, limit: int = 20) -> list[SrsItem]: ...

    async def srs_items(self, user_key: str) -> set[str]: ...

    async def srs_next_due(self, user_key: str) -> str | None: ...


class ChallengeStore(Protocol):
    """Challenge attempts per user and challenge. `forget_user` deletes them with the rest."""

    async def challenge_opened(self, user_key: str, challenge_id: str, now: str) -> None:
        """The user opened this challenge (a row with status 'new' when it had none)."""

    async def last_opened_challenge(self, user_key: str) -> str | None: ...

    async def challenge_attempt(self, user_key: str, challenge_id: str
                                ) -> ChallengeAttempt | None: ...

    async def challenge_attempts(self, user_key: str) -> dict[str, ChallengeAttempt]:
        """By challenge id."""

    async def record_submission(self, *, user_key: str, user_name: str, chat_key: str,
                                challenge_id: str, code: str, check: str | None, now: str,
                                day: str, yesterday: str) -> bool:
        """Store a graded submission (`check` None: it passed), atomically. True when this is
        the user's first pass of the challenge: then it counts in this chat (the streak moves
        as a quiz answer moves it). A repeat pass changes no count."""

    async def solved_board(self, chat_key: str, *, since: str | None = None, limit: int = 10
                           ) -> list[SolvedRow]:
        """Top solvers of challenges first solved in this chat (all time, or since an instant)."""


class Held:
    """What `PlatformState.hold` gives its block: true while this process holds the lock.

    A lock kept on a database connection goes with that connection (the server restarted, an
    administrator ended the session, the network cut it), and another process may then take
    it. The store says so with `lose`: from then on this is false and `lost` is set, so a
    holder doing what only one process may do (polling Telegram) stops, and a holder working
    in steps checks it before each step."""

    __slots__ = ("_held", "lost", "why")

    def __init__(self, held: bool) -> None:
        self._held = held
        self.lost = asyncio.Event()
        self.why: str | None = None  # why it was lost, for the log

    def __bool__(self) -> bool:
        return self._held and not self.lost.is_set()

    def lose(self, why: str) -> None:
        if self._held and not self.lost.is_set():
            self.why = why
            self.lost.set()


class PlatformState(Protocol):
    """What adapters keep between runs (named values such as Discord's command-sync hashes,
    Telegram's profile hashes and webhook fingerprint; Telegram's poll ids) and the locks they
    share between processes."""

    async def telegram_poll_add(self, *, poll_id: str, post_id: int, chat_id: str, chat_kind: str,
                                message_id: int, now: str) -> None: ...

    async def telegram_poll(self, poll_id: str) -> TelegramPoll | None:
        """The posted question and chat a poll stands for, or None for a poll never sent."""

    async def platform_value(self, name: str) -> str | None:
        """A small value an adapter keeps for every process (None when never set). Names are
        namespaced by platform and purpose ("discord.commands:<application>:<scope>")."""

    async def platform_values(self, prefix: str) -> dict[str, str]:
        """Every value whose name starts with `prefix`, keyed by the rest of its name."""

    async def set_platform_value(self, name: str, value: str) -> None: ...

    async def forget_platform_value(self, name: str) -> None:
        """No value is kept under that name any more (nothing happens when there was none)."""

    def hold(self, name: str) -> AbstractAsyncContextManager[Held]:
        """A lock over every process of the bot, held while the block runs (Telegram polling:
        one poller per bot). The block gets a `Held` that is true when this process holds it,
        false at once when another one does; a process that dies lets go. A lock can be lost
        while the block runs (see `Held`): the block learns it from `Held.lost`."""


class LimitStore(Protocol):
    """Per-user limits kept where every process of the bot sees them (the /run cooldown), so
    a user cannot run code twice as often by reaching two processes."""

    async def cooldown_take(self, scope: str, user_key: str, period_s: float) -> CooldownTake:
        """Note a use of `scope` by the user, at once and atomically, unless their last use
        was less than `period_s` seconds ago (then nothing is noted)."""

    async def cooldown_give_back(self, scope: str, user_key: str, at: float) -> None:
        """Undo the use taken `at` (it never happened: every queue was full): the use before
        it counts again. Nothing changes when a later use was taken meanwhile."""


class SnippetStore(Protocol):
    """/run's code, kept for "edit and run again"."""

    async def snippet_add(self, *, snippet_id: str, user_key: str, code: str, now: str,
                          expire_before: str) -> None:
        """Keep one snippet; snippets created before `expire_before` are deleted meanwhile."""

    async def snippet(self, snippet_id: str, *, not_before: str) -> Snippet | None:
        """The snippet, unless it is gone or was created before `not_before` (expired)."""

    async def snippets_forget(self, user_key: str) -> int:
        """Delete every snippet of a user; how many there were."""

    async def user_has_snippets(self, user_key: str) -> bool: ...


class Store(Preferences, QuizStore, DailyStore, PracticeStore, PlatformState, SnippetStore,
            ChallengeStore, LimitStore, Protocol):
    """One store serving every area (what bot.storage.Storage is)."""
