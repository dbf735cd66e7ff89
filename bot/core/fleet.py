"""How many bot processes share the bot's tokens, for the limits that are per token.

Telegram's flood limit (about 30 messages a second) and the daily fan-out's ceiling are per bot
token, not per process: N processes each sending at the ceiling would send N times it. Every
process registers in one live-process registry with a heartbeat, the daily scheduler's leases
(`DailyStore.daily_heartbeat`, every lease/3 seconds); each beat writes the count here, and
every limiter that keeps to a per-token ceiling sends at `share(ceiling)`: the daily fan-out's
pacer and the Telegram adapter's rate limiter. One count for all of them, read for free on each
message (no database round trip per send).

With SQLite the count is always 1 (one process per file). The edges are those of a heartbeat:
a process that joins counts itself at once but the others only at their next beat, and one that
dies is counted until its lease runs out (the others stay below the ceiling meanwhile).
"""

from __future__ import annotations


class Fleet:
    """This process's view of the fleet: the live processes as of the last heartbeat."""

    def __init__(self) -> None:
        self.live = 1

    def update(self, live: int) -> None:
        self.live = max(1, live)

    def share(self, ceiling: float) -> float:
        """This process's part of a ceiling that is per bot token."""
        return ceiling / self.live
