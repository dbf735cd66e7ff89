-- Discord: the hash of the slash commands last synced, per application and scope ("global" or
-- "guild:<id>"), so startup syncs only when a spec changed (Discord rate-limits command writes).
CREATE TABLE discord_command_sync (
    application_id TEXT NOT NULL,
    scope          TEXT NOT NULL,
    spec_hash      TEXT NOT NULL,
    synced_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, scope)
);
