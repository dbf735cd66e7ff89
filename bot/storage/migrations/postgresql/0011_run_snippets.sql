-- PostgreSQL twin of ../0011_run_snippets.sql (text compares byte-wise, as in SQLite).
-- /run's code, kept for a while for "edit and run again": the button under a run's reply
-- carries the row's id (random, so no one can guess another's), a click hands the code back.
-- Rows older than the keeping time are deleted as new ones arrive; /forget deletes a user's.
CREATE TABLE run_snippets (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_key   TEXT COLLATE "C" NOT NULL,
    code       TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX run_snippets_user ON run_snippets (user_key);
CREATE INDEX run_snippets_created ON run_snippets (created_at);
