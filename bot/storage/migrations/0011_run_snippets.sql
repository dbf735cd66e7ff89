-- /run's code, kept for a while for "edit and run again": the button under a run's reply
-- carries the row's id (random, so no one can guess another's), a click hands the code back.
-- Rows older than the keeping time are deleted as new ones arrive; /forget deletes a user's.
CREATE TABLE run_snippets (
    id         TEXT PRIMARY KEY,
    user_key   TEXT NOT NULL,
    code       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX run_snippets_user ON run_snippets (user_key);
CREATE INDEX run_snippets_created ON run_snippets (created_at);
