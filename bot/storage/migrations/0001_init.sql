-- Preferences and the guided path. Users and chats are keyed "platform:id".
CREATE TABLE user_prefs (
    user_key   TEXT PRIMARY KEY,
    lang       TEXT NOT NULL CHECK (lang IN ('hi', 'en')),
    updated_at TEXT NOT NULL
);

CREATE TABLE chat_prefs (
    chat_key   TEXT PRIMARY KEY,
    lang       TEXT NOT NULL CHECK (lang IN ('hi', 'en')),
    updated_at TEXT NOT NULL
);

CREATE TABLE seen_terms (
    user_key   TEXT NOT NULL,
    term_id    TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (user_key, term_id)
);
