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
