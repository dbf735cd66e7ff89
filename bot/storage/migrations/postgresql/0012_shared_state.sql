-- PostgreSQL twin of ../0012_shared_state.sql. The instants are the database server's clock
-- (clock_timestamp()), so bot processes on hosts whose clocks differ still agree.
-- Per-user limits every bot process shares (the /run cooldown, scope 'run'): when each user
-- last used a scope, as epoch seconds (a cooldown of a few seconds needs fractions), and the
-- use before it, so a use that never happened (the queue was full) is given back exactly.
CREATE TABLE user_cooldowns (
    scope       TEXT COLLATE "C" NOT NULL,
    user_key    TEXT COLLATE "C" NOT NULL,
    last_at     DOUBLE PRECISION NOT NULL,
    previous_at DOUBLE PRECISION,
    PRIMARY KEY (scope, user_key)
);

-- Small named values the platform adapters keep for every process (what Telegram's webhook
-- was last set to, as a keyed fingerprint), so a starting process can tell whether to set it.
CREATE TABLE platform_values (
    name       TEXT COLLATE "C" PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);
