-- PostgreSQL twin of ../0009_daily_track.sql (text compares byte-wise, as in SQLite).
-- Which terms a chat's daily posts rotate through: 'curriculum' (the revision sheet's 15, the
-- default, so a chat without a row here) or 'all' (the sheet, then level 2). Set by a chat admin
-- with /daily track; kept apart from daily_targets so it can be chosen before /daily set and
-- survives /daily off.
CREATE TABLE daily_tracks (
    chat_key   TEXT COLLATE "C" PRIMARY KEY,
    track      TEXT COLLATE "C" NOT NULL CHECK (track IN ('curriculum', 'all')),
    updated_at TEXT COLLATE "C" NOT NULL
);
