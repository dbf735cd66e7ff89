"""Child process for the kill test: the real core, scheduler and SQLite database, with a fake
platform whose deliverer appends each delivered message ("<chat id> recap|question") to a file
(O_APPEND writes reach the kernel at once, so a SIGKILL cannot lose or duplicate one).

    python -m tests.core.features.daily.harness --db D --out F --create 300   # fan out, forever
    python -m tests.core.features.daily.harness --db D --out F --drain        # restart: recover,
                                                                              # post what is due
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.app import Core
from bot.core.clock import iso
from bot.core.content import Library
from bot.core.features.daily import DailyScheduler
from bot.core.services import Services, bank_beside
from bot.core.types import ChatRef, Reply
from bot.storage import Storage

CONTENT = Path(__file__).resolve().parents[4] / "content"


class FileDeliverer:
    def __init__(self, path: str, delay: float) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.delay = delay

    async def deliver(self, chat: ChatRef, reply: Reply) -> None:
        await asyncio.sleep(self.delay)  # the network round trip
        kind = "recap" if reply.title else "question"  # the recap carries the post's title
        os.write(self.fd, f"{chat.id} {kind}\n".encode())


async def main(args: argparse.Namespace) -> None:
    library = await asyncio.to_thread(Library.from_dir, CONTENT)
    storage = await Storage.open(args.db)
    core = Core(library, Services.of(storage, quiz_bank=bank_beside(library)))
    core.register_deliverer("fake", FileDeliverer(args.out, args.delay))
    daily = next(s for s in core.services_to_run() if isinstance(s, DailyScheduler))
    daily.configure(concurrency=args.concurrency, rate_per_second=args.rate)
    now = datetime.now(UTC)
    for i in range(args.create):
        await storage.daily_set(chat_key=f"fake:{i}", platform="fake", chat_id=str(i),
                                chat_kind="group", at_time=f"{now:%H:%M}", tz="UTC",
                                next_day=now.date().isoformat(),
                                next_due=iso(now - timedelta(seconds=1)), now=iso(now))
    try:
        if args.drain:
            while await daily.seconds_to_next() <= 0:  # the first pass adopts what was cut
                await daily.run_due()
            counts = await storage.daily_ledger_counts()
            print(json.dumps({"ledger": counts, "instance": daily.instance}), flush=True)
        else:
            print("ready", flush=True)
            await daily.run()
    finally:
        await storage.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--create", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=400.0)
    parser.add_argument("--delay", type=float, default=0.02)
    parser.add_argument("--drain", action="store_true")
    asyncio.run(main(parser.parse_args()))
