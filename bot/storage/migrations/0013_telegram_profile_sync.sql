-- Telegram: the hash of each part of the bot's profile last sent (a command menu per scope and
-- language, a description, a short description), per bot, so a start sends only what changed.
CREATE TABLE telegram_profile_sync (
    bot_id    TEXT NOT NULL,
    part      TEXT NOT NULL,
    part_hash TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    PRIMARY KEY (bot_id, part)
);
