-- Coding challenges: one row per user per challenge, from the first time it was opened.
-- status: 'new' (opened), 'tried' (submitted, not yet passed), 'solved' (passed once; stays).
-- The first pass records when and in which chat: it counts there (stats, streak, leaderboard).
CREATE TABLE challenge_attempts (
    user_key     TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'tried', 'solved')),
    tries        INTEGER NOT NULL DEFAULT 0,
    last_code    TEXT,           -- the latest submission (a ❌ reopens it in Discord's form)
    last_check   TEXT,           -- the check it failed (NULL when it passed)
    opened_at    TEXT,           -- the latest /challenge <id>: "/submit" without an id means it
    opened_seq   INTEGER NOT NULL DEFAULT 0,  -- orders opens within one second (per user)
    updated_at   TEXT NOT NULL,
    solved_at    TEXT,
    solved_chat  TEXT,
    solved_name  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_key, challenge_id)
);
CREATE INDEX challenge_attempts_opened ON challenge_attempts (user_key, opened_seq);
CREATE INDEX challenge_attempts_solved ON challenge_attempts (solved_chat, solved_at);
