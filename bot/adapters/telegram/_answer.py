"""Telegram's primitives for the shared reply policy (`bot.adapters.base.Answer`): messages
in the chat (quoting the command in groups), edits, quiz polls, the clicker's private chat,
callback-query alerts and "typing"."""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

from telegram import Bot, CallbackQuery, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.base import Answer, Refused
from bot.adapters.telegram._render import alert_text, cut_alert
from bot.core.i18n import t
from bot.core.types import ChatKind, Lang, Reply

log = logging.getLogger(__name__)

# "typing" shows for about 5 s; renew it a little sooner while long work runs.
TYPING_EVERY = 4.0


class Outbox(Protocol):
    """What the adapter offers for sending (its renderers are memoised per card)."""

    async def send_message(self, bot: Bot, chat_id: int, reply: Reply, *,
                           reply_to: int | None = None) -> Message: ...

    async def edit_message(self, bot: Bot, message: Message, reply: Reply) -> Message | None: ...

    async def send_poll(self, bot: Bot, chat_id: int, kind: ChatKind, reply: Reply, *,
                        reply_to: int | None = None) -> bool: ...


class ChatAnswer(Answer[Message]):
    """Where the replies to one update go. Telegram has no ephemeral messages: a typed
    command's private answer stays in its chat (a private chat fails for users who never
    started the bot), quoted to the command in groups; a click's private answer in a group goes
    to the clicker alone (`private_here` is False there)."""

    busy_every = TYPING_EVERY

    def __init__(self, outbox: Outbox, bot: Bot, chat_id: int, *, group: bool, user_id: int,
                 lang: Lang, reply_to: int | None = None, query: CallbackQuery | None = None,
                 polls: bool = True) -> None:
        super().__init__()
        self.outbox, self.bot, self.chat_id = outbox, bot, chat_id
        self.group, self.user_id, self.lang = group, user_id, lang
        self.reply_to = reply_to  # the user's command message (groups)
        self.query = query  # set when a button was clicked
        self.answered = False  # a callback query is answered exactly once
        self.noted = False  # a typed command's group heard where its private answer went
        self.polls = polls  # False in channels: they cannot take non-anonymous polls

    @property
    def private_here(self) -> bool:
        return not (self.group and self.query is not None)

    @property
    def others_see_private(self) -> bool:
        return self.group

    async def send(self, reply: Reply) -> Message:
        return await self.outbox.send_message(self.bot, self.chat_id, reply, reply_to=self.reply_to)

    async def edit(self, target: Message, reply: Reply) -> Message:
        if reply.has_files and target is self.progress:
            # A text message cannot become a photo or a file: the result is sent anew and the
            # progress it replaces ("queued") goes away.
            sent = await self.outbox.send_message(self.bot, self.chat_id, reply,
                                                  reply_to=self.reply_to)
            with contextlib.suppress(TelegramError):
                await self.bot.delete_message(target.chat.id, target.message_id)
            return sent
        edited = await self.outbox.edit_message(self.bot, target, reply)
        if edited is None:
            raise Refused("Telegram would not edit the message")
        return edited

    async def edit_source(self, reply: Reply) -> Message:
        message = self.query.message if self.query is not None else None
        if not isinstance(message, Message):  # no click, or a message too old to be sent
            raise Refused("no clicked message to replace")
        return await self.edit(message, reply)

    async def send_poll(self, reply: Reply) -> bool:
        kind = ChatKind.GROUP if self.group else ChatKind.PRIVATE
        return self.polls and await self.outbox.send_poll(self.bot, self.chat_id, kind, reply,
                                                          reply_to=self.reply_to)

    async def notice(self, reply: Reply, *, hint: bool = False) -> bool:
        """The click's alert: the whole reply when it fits, or (`hint`) its start and how to
        open the private chat. Only once per click."""
        if self.query is None and hint and reply.spoils and self.group and not self.noted:
            # A typed command whose private chat is refused: only how to open one, in the group.
            await self.outbox.send_message(self.bot, self.chat_id, Reply.text(
                t(self.lang, "tg_start_private")), reply_to=self.reply_to)
            self.noted = True
            return True
        if self.query is None or self.answered:
            return False
        text = cut_alert(reply, t(self.lang, "tg_start_private")) if hint else alert_text(reply)
        if text is None:
            return False
        await answer_query(self.query, text, alert=True)
        self.answered = True
        return True

    async def send_private(self, reply: Reply) -> None:
        try:
            await self.outbox.send_message(self.bot, self.user_id, reply)
        except (Forbidden, BadRequest) as exc:  # they never opened a private chat with the bot
            raise Refused(str(exc)) from exc

    async def note_sent_private(self) -> None:
        if self.query is not None and not self.answered:
            await answer_query(self.query, t(self.lang, "tg_sent_private"))
            self.answered = True
        elif self.query is None and self.group and not self.noted:
            # A typed command's private answer: the group hears once where it went.
            await self.outbox.send_message(self.bot, self.chat_id, Reply.text(
                t(self.lang, "tg_sent_private")), reply_to=self.reply_to)
            self.noted = True

    async def acknowledge(self) -> None:
        """Stop the client's spinner now; the result comes later."""
        if self.query is not None and not self.answered:
            await answer_query(self.query)
            self.answered = True

    async def show_busy(self) -> None:
        with contextlib.suppress(TelegramError):
            await self.bot.send_chat_action(self.chat_id, ChatAction.TYPING)


async def answer_query(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a callback query; one that is too old to answer is only worth a log line."""
    try:
        await query.answer(text, show_alert=alert or None)
    except BadRequest as exc:
        log.info("telegram: could not answer a button click: %s", exc)
