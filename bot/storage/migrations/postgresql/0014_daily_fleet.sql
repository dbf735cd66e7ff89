-- PostgreSQL twin of ../0014_daily_fleet.sql: the same tables and meaning (text compares
-- byte-wise, as in SQLite). Here several processes share the rows: takes use row locks with
-- SKIP LOCKED, and a message's move from 'pending' to 'sending' is one conditional UPDATE.
-- The daily fan-out across bot processes (issue 15). A process registers itself with a
-- heartbeat (daily_instances: its lease); due targets are taken by one live process
-- (daily_targets.taken_by), a claimed post names its owner (daily_ledger.owner), and each message
-- of a post has its own row (daily_messages): 'pending' until a process starts sending it,
-- 'sending' while in flight, then 'sent', 'failed', 'gone' or 'skipped'. A 'sending' message of
-- a process whose lease ran out becomes 'unknown' (never resent); its 'pending' ones are sent by
-- whichever live process adopts the post. SQLite runs one process (a lock file refuses a second),
-- but keeps the same rows so that the scheduler has one shape.
CREATE TABLE daily_instances (
    instance    TEXT COLLATE "C" PRIMARY KEY,  -- host:pid:random, new at every start
    started_at  TEXT COLLATE "C" NOT NULL,
    alive_until TEXT COLLATE "C" NOT NULL      -- the lease: renewed by the heartbeat
);

ALTER TABLE daily_targets ADD COLUMN taken_by TEXT COLLATE "C";  -- the process about to claim it
ALTER TABLE daily_ledger ADD COLUMN owner TEXT COLLATE "C";     -- the process sending a 'claimed' post
CREATE INDEX daily_ledger_claimed ON daily_ledger (owner) WHERE status = 'claimed';

CREATE TABLE daily_messages (
    chat_key   TEXT COLLATE "C" NOT NULL,
    local_day  TEXT COLLATE "C" NOT NULL,
    part       BIGINT NOT NULL,  -- 1, 2, ... in sending order
    kind       TEXT COLLATE "C" NOT NULL,     -- 'recap', 'question'
    status     TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'unknown', 'failed',
                                                'gone', 'skipped')),
    sent_by    TEXT COLLATE "C",              -- the process that started sending it
    detail     TEXT COLLATE "C",
    updated_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (chat_key, local_day, part),
    FOREIGN KEY (chat_key, local_day) REFERENCES daily_ledger (chat_key, local_day)
);

-- A claim left by the previous version has no message rows: as before, it is unknown.
UPDATE daily_ledger SET status = 'unknown', detail = 'in flight when the bot stopped'
 WHERE status = 'claimed';

-- What a pass looks up among many rows: messages in flight, targets taken.
CREATE INDEX daily_messages_sending ON daily_messages (sent_by) WHERE status = 'sending';
CREATE INDEX daily_targets_taken ON daily_targets (taken_by) WHERE taken_by IS NOT NULL;
