-- PostgreSQL twin of ../0015_platform_values.sql: the same moves, the same names.
-- One store for what the adapters send only when it changed: platform_values (0012) now also
-- holds Discord's command-sync hashes and Telegram's profile hashes, under namespaced names
-- ("discord.commands:<application>:<scope>", "telegram.profile:<bot>:<part>"), so a new
-- platform needs no table of its own. The hashes move over; a restart sends nothing.
INSERT INTO platform_values (name, value, updated_at)
SELECT 'discord.commands:' || application_id || ':' || scope, spec_hash, synced_at
  FROM discord_command_sync;

INSERT INTO platform_values (name, value, updated_at)
SELECT 'telegram.profile:' || bot_id || ':' || part, part_hash, synced_at
  FROM telegram_profile_sync;

DROP TABLE discord_command_sync;
DROP TABLE telegram_profile_sync;
