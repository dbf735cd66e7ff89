-- PostgreSQL twin of ../0001_init.sql (text compares byte-wise and integers are 64-bit, as in SQLite).
-- Preferences and the guided path. Users and chats are keyed "platform:id".
CREATE TABLE user_prefs (
    user_key   TEXT COLLATE "C" PRIMARY KEY,
    lang       TEXT COLLATE "C" NOT NULL CHECK (lang IN ('hi', 'en')),
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE chat_prefs (
    chat_key   TEXT COLLATE "C" PRIMARY KEY,
    lang       TEXT COLLATE "C" NOT NULL CHECK (lang IN ('hi', 'en')),
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE seen_terms (
    user_key   TEXT COLLATE "C" NOT NULL,
    term_id    TEXT COLLATE "C" NOT NULL,
    first_seen TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_key, term_id)
);
