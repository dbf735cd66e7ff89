-- PostgreSQL twin of ../0013_telegram_profile_sync.sql (text compares byte-wise, as in SQLite).
-- Telegram: the hash of each part of the bot's profile last sent (a command menu per scope and
-- language, a description, a short description), per bot, so a start sends only what changed.
CREATE TABLE telegram_profile_sync (
    bot_id    TEXT COLLATE "C" NOT NULL,
    part      TEXT COLLATE "C" NOT NULL,
    part_hash TEXT COLLATE "C" NOT NULL,
    synced_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (bot_id, part)
);
