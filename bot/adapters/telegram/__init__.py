"""The Telegram adapter (python-telegram-bot): commands, inline keyboards, inline mode, quiz polls.

`_adapter` drives PTB inside the shared loop and turns updates into core commands; `_answer`
gives the shared reply policy Telegram's ways of answering; `_render` turns core replies into
Telegram HTML and inline keyboards.
"""

from bot.adapters.telegram._adapter import TelegramAdapter
from bot.adapters.telegram._render import keyboard, render_chunks

__all__ = ["TelegramAdapter", "keyboard", "render_chunks"]
