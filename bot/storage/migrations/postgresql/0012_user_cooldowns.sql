-- PostgreSQL twin of ../0012_user_cooldowns.sql. The instants are the database server's clock
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
