-- Practice: posted questions, answers, scores and streaks, daily posts, spaced repetition.
-- Times are UTC ISO-8601 strings; "days" are local dates (YYYY-MM-DD) in the chat's time zone.

-- One row per question posted (by /quiz, a daily post or /practice). Buttons carry its id.
CREATE TABLE quiz_posts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_key    TEXT NOT NULL,
    question_id TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('quiz', 'daily', 'practice')),
    owner_key   TEXT,            -- /practice: only this user may answer
    posted_at   TEXT NOT NULL
);

-- One answer per user per posted question (the primary key enforces it).
CREATE TABLE quiz_answers (
    post_id     INTEGER NOT NULL REFERENCES quiz_posts (id) ON DELETE CASCADE,
    user_key    TEXT NOT NULL,
    chat_key    TEXT NOT NULL,
    question_id TEXT NOT NULL,
    choice      INTEGER NOT NULL,
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (post_id, user_key)
);
CREATE INDEX quiz_answers_chat_time ON quiz_answers (chat_key, answered_at);
CREATE INDEX quiz_answers_user ON quiz_answers (user_key);

-- Running totals per user per chat; streaks count local days with at least one answer.
CREATE TABLE scores (
    chat_key    TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    user_name   TEXT NOT NULL DEFAULT '',
    answered    INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    streak      INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    last_day    TEXT,
    PRIMARY KEY (chat_key, user_key)
);

-- A chat's daily post: its local time and zone, and the next local day it is due for.
CREATE TABLE daily_targets (
    chat_key        TEXT PRIMARY KEY,
    platform        TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    chat_kind       TEXT NOT NULL,
    at_time         TEXT NOT NULL,   -- HH:MM, local
    tz              TEXT NOT NULL,   -- IANA name
    enabled         INTEGER NOT NULL DEFAULT 1,
    next_day        TEXT NOT NULL,   -- the local day the next scheduled post is for
    next_due        TEXT NOT NULL,   -- that post's instant, UTC (indexed: the scheduler's query)
    disabled_reason TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX daily_targets_due ON daily_targets (enabled, next_due);

-- The ledger: once per target per local day. 'claimed' is written before the send, 'sent'
-- after it; a 'claimed' row found at startup became 'unknown' (never resent).
CREATE TABLE daily_ledger (
    chat_key   TEXT NOT NULL,
    local_day  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'unknown', 'missed', 'failed', 'gone')),
    term_id    TEXT,
    post_id    INTEGER,
    detail     TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_key, local_day)
);

-- Term-of-the-day rotation: every term once per cycle, per chat.
CREATE TABLE daily_rotation (
    chat_key TEXT NOT NULL,
    cycle    INTEGER NOT NULL,
    term_id  TEXT NOT NULL,
    shown_at TEXT NOT NULL,
    PRIMARY KEY (chat_key, cycle, term_id)
);

-- Spaced repetition (fsrs): one card state per user per item ("q:<question>" or "card:<id>").
CREATE TABLE srs_items (
    user_key   TEXT NOT NULL,
    item       TEXT NOT NULL,
    due        TEXT NOT NULL,       -- UTC
    state_json TEXT NOT NULL,       -- fsrs.Card.to_json()
    reason     TEXT,                -- e.g. the misconception that scheduled a card review
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_key, item)
);
CREATE INDEX srs_items_due ON srs_items (user_key, due);
