-- Fair questions: each post keeps the order its choices were shown in, who asked for it, and
-- until when it takes answers; timed rounds are rows too, so a restart resumes or closes them.

-- "3,1,2": shown choice k is the bank's choice number at place k. NULL: the bank's own order
-- (every post made before shuffling, shown as it was).
ALTER TABLE quiz_posts ADD COLUMN choice_order TEXT;
-- The user whose /quiz (or round) it was: a question is not asked again before the term's others.
ALTER TABLE quiz_posts ADD COLUMN asked_by TEXT;
-- A timed question takes answers until then (UTC ISO-8601); NULL: no time limit.
ALTER TABLE quiz_posts ADD COLUMN closes_at TEXT;
CREATE INDEX quiz_posts_asked_by ON quiz_posts (asked_by);

CREATE TABLE quiz_rounds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_key   TEXT NOT NULL,
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    chat_kind  TEXT NOT NULL,
    started_by TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('hi', 'en')),
    term_id    TEXT,                 -- NULL: any term
    size       INTEGER NOT NULL,     -- questions in the round
    seconds    INTEGER NOT NULL,     -- time per question
    asked      INTEGER NOT NULL DEFAULT 0,  -- questions posted so far
    due        TEXT,                 -- when the round's next step is due (UTC)
    status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'stopped', 'closed')),
    started_at TEXT NOT NULL,
    ended_at   TEXT
);
-- One running round per chat: the database refuses a second.
CREATE UNIQUE INDEX quiz_rounds_running ON quiz_rounds (chat_key) WHERE status = 'running';

CREATE TABLE quiz_round_posts (
    round_id   INTEGER NOT NULL REFERENCES quiz_rounds (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,     -- 1-based
    post_id    INTEGER NOT NULL REFERENCES quiz_posts (id) ON DELETE CASCADE,
    message_id TEXT,                 -- what the reveal edits, where the platform can
    revealed   INTEGER NOT NULL DEFAULT 0 CHECK (revealed IN (0, 1)),
    PRIMARY KEY (round_id, position)
);
