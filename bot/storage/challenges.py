"""The SQL of coding challenges (ChallengeStore): attempts per user and challenge. A mixin of
`Storage`, which provides the connection and its transaction helpers."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from bot.core.ports.storage import ChallengeAttempt, SolvedRow

if TYPE_CHECKING:
    from bot.storage.sqlite import Storage as _Base
else:
    _Base = object

# Tables whose rows `forget_user` deletes for challenges (attempts hold the stored code).
CHALLENGE_TABLES = ("challenge_attempts",)


class ChallengeSQL(_Base):
    async def challenge_opened(self, user_key: str, challenge_id: str, now: str) -> None:
        # Instants have whole seconds: a per-user sequence keeps two quick opens in order.
        await self._db.execute(
            "INSERT INTO challenge_attempts (user_key, challenge_id, opened_at, opened_seq, updated_at)"
            " VALUES (:user, :id, :now, (SELECT COALESCE(MAX(opened_seq), 0) + 1 FROM"
            " challenge_attempts WHERE user_key = :user), :now)"
            " ON CONFLICT (user_key, challenge_id) DO UPDATE SET"
            " opened_at = excluded.opened_at, opened_seq = excluded.opened_seq",
            {"user": user_key, "id": challenge_id, "now": now})

    async def last_opened_challenge(self, user_key: str) -> str | None:
        return await self._scalar(
            "SELECT challenge_id FROM challenge_attempts WHERE user_key = ? AND opened_at IS NOT NULL"
            " ORDER BY opened_seq DESC LIMIT 1", (user_key,))

    async def challenge_attempt(self, user_key: str, challenge_id: str) -> ChallengeAttempt | None:
        return await self._one(
            ChallengeAttempt, "SELECT * FROM challenge_attempts WHERE user_key = ? AND challenge_id = ?",
            (user_key, challenge_id))

    async def challenge_attempts(self, user_key: str) -> dict[str, ChallengeAttempt]:
        rows = await self._all(ChallengeAttempt, "SELECT * FROM challenge_attempts WHERE user_key = ?",
                               (user_key,))
        return {row.challenge_id: row for row in rows}

    async def record_submission(self, *, user_key: str, user_name: str, chat_key: str,
                                challenge_id: str, code: str, check: str | None, now: str,
                                day: str, yesterday: str) -> bool:
        """One hop to the database thread; the first pass also moves the streak of this chat
        (as `record_answer` does, without counting a quiz answer)."""
        streak = ("CASE WHEN last_day >= :day THEN streak"
                  " WHEN last_day = :yesterday THEN streak + 1 ELSE 1 END")
        passed = check is None

        def record(conn: sqlite3.Connection) -> bool:
            conn.execute(
                "INSERT INTO challenge_attempts (user_key, challenge_id, status, tries, last_code,"
                " last_check, updated_at) VALUES (:user, :id, 'tried', 1, :code, :check, :now)"
                " ON CONFLICT (user_key, challenge_id) DO UPDATE SET tries = tries + 1,"
                " status = CASE WHEN status = 'solved' THEN 'solved' ELSE 'tried' END,"
                " last_code = excluded.last_code, last_check = excluded.last_check,"
                " updated_at = excluded.updated_at",
                {"user": user_key, "id": challenge_id, "code": code, "check": check, "now": now})
            if not passed:
                return False
            if conn.execute(
                    "UPDATE challenge_attempts SET status = 'solved', solved_at = ?, solved_chat = ?,"
                    " solved_name = ? WHERE user_key = ? AND challenge_id = ? AND solved_at IS NULL",
                    (now, chat_key, user_name, user_key, challenge_id)).rowcount != 1:
                return False  # solved before: a repeat pass counts nothing
            conn.execute(
                "INSERT INTO scores (chat_key, user_key, user_name, answered, correct, streak,"
                " best_streak, last_day) VALUES (:chat, :user, :name, 0, 0, 1, 1, :day)"
                " ON CONFLICT (chat_key, user_key) DO UPDATE SET user_name = excluded.user_name,"
                f" streak = {streak}, best_streak = MAX(best_streak, {streak}),"
                " last_day = MAX(COALESCE(last_day, ''), :day)",
                {"chat": chat_key, "user": user_key, "name": user_name, "day": day,
                 "yesterday": yesterday})
            return True

        return await self._in_one_transaction(record)

    async def solved_board(self, chat_key: str, *, since: str | None = None, limit: int = 10
                           ) -> list[SolvedRow]:
        return await self._all(
            SolvedRow, "SELECT user_key, MAX(solved_name) AS user_name, COUNT(*) AS solved"
            " FROM challenge_attempts WHERE solved_chat = ? AND solved_at >= ?"
            " GROUP BY user_key ORDER BY solved DESC, MIN(solved_at), user_key LIMIT ?",
            (chat_key, since or "", limit))
