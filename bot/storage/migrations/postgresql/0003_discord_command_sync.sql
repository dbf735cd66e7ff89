-- PostgreSQL twin of ../0003_discord_command_sync.sql (text compares byte-wise and integers are 64-bit, as in SQLite).
-- Discord: the hash of the slash commands last synced, per application and scope ("global" or
-- "guild:<id>"), so startup syncs only when a spec changed (Discord rate-limits command writes).
CREATE TABLE discord_command_sync (
    application_id TEXT COLLATE "C" NOT NULL,
    scope          TEXT COLLATE "C" NOT NULL,
    spec_hash      TEXT COLLATE "C" NOT NULL,
    synced_at      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (application_id, scope)
);
