"""The Discord adapter (discord.py 2.x): slash commands from the core's specs, embeds, buttons
that survive restarts, modals for code. See docs/discord.md for setting up a bot."""

from bot.adapters.discord._adapter import DiscordAdapter, point_at

__all__ = ["DiscordAdapter", "point_at"]
