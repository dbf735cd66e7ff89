-- PostgreSQL twin of ../0010_challenges.sql (text compares byte-wise, as in SQLite).
-- Coding challenges: one row per user per challenge, from the first time it was opened.
-- status: 'new' (opened), 'tried' (submitted, not yet passed), 'solved' (passed once; stays).
-- The first pass records when and in which chat: it counts there (stats, streak, leaderboard).
CREATE TABLE challenge_attempts (
    user_key     TEXT COLLATE "C" NOT NULL,
    challenge_id TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'tried', 'solved')),
    tries        BIGINT NOT NULL DEFAULT 0,
    last_code    TEXT,                 -- the latest submission (a ❌ reopens it in Discord's form)
    last_check   TEXT COLLATE "C",     -- the check it failed (NULL when it passed)
    opened_at    TEXT COLLATE "C",     -- the latest /challenge <id>: "/submit" without an id means it
    opened_seq   BIGINT NOT NULL DEFAULT 0,  -- orders opens, also within one second
    updated_at   TEXT COLLATE "C" NOT NULL,
    solved_at    TEXT COLLATE "C",
    solved_chat  TEXT COLLATE "C",
    solved_name  TEXT COLLATE "C" NOT NULL DEFAULT '',
    PRIMARY KEY (user_key, challenge_id)
);
-- Processes open challenges at once: a sequence orders their opens without a read of MAX
-- (owned by the column, so migrate-storage moves it past the copied values; 0 is a row never
-- opened).
CREATE SEQUENCE challenge_attempts_opened_seq MINVALUE 0 START 1 OWNED BY challenge_attempts.opened_seq;
CREATE INDEX challenge_attempts_opened ON challenge_attempts (user_key, opened_seq);
CREATE INDEX challenge_attempts_solved ON challenge_attempts (solved_chat, solved_at);
