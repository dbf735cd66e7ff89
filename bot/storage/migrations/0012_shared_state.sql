-- Per-user limits every bot process shares (the /run cooldown, scope 'run'): when each user
-- last used a scope, as epoch seconds (a cooldown of a few seconds needs fractions), and the
-- use before it, so a use that never happened (the queue was full) is given back exactly.
CREATE TABLE user_cooldowns (
    scope       TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    last_at     REAL NOT NULL,
    previous_at REAL,
    PRIMARY KEY (scope, user_key)
);

-- Small named values the platform adapters keep for every process (what Telegram's webhook
-- was last set to, as a keyed fingerprint), so a starting process can tell whether to set it.
CREATE TABLE platform_values (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
