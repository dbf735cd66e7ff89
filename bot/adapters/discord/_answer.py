"""Discord's primitives for the shared reply policy (`bot.adapters.base.Answer`): one
interaction's response, deferred "thinking…" response, followups and ephemeral messages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord
from discord.utils import MISSING

from bot.adapters.base import Answer, Refused
from bot.adapters.discord._buttons import CODE_MAX, CodeModal
from bot.adapters.discord._render import Page, files
from bot.core.i18n import t
from bot.core.types import Lang, Reply

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()

Shown = discord.InteractionMessage | discord.WebhookMessage


class InteractionAnswer(Answer[Shown]):
    """Where the replies of one interaction go. A private reply is ephemeral, so it is always
    shown in place; an acknowledgement is a "thinking…" defer, ephemeral when the command's
    answer is private."""

    def __init__(self, itx: discord.Interaction, render: Callable[[Reply, Lang], list[Page]],
                 lang: Lang, *, private: bool, ack_after: float | None = None) -> None:
        super().__init__()
        self.itx = itx
        self.render = render
        self.lang = lang
        self.private = private  # how a defer shows: ephemeral when the answer is private
        self.ack_after = ack_after
        self.deferred = False  # a "thinking…" original response waits to be filled
        self.deferred_ephemeral = False

    async def acknowledge(self) -> None:
        if not self.itx.response.is_done():
            await self.itx.response.defer(ephemeral=self.private, thinking=True)
            self.deferred, self.deferred_ephemeral = True, self.private

    async def send(self, reply: Reply) -> Shown | None:
        return await _or_text_alone(self._send, reply)

    async def _send(self, reply: Reply) -> Shown | None:
        first, *rest = self.render(reply, self.lang)
        itx, private = self.itx, reply.private
        uploads = files(reply)  # with the first message (its embed shows the picture)
        shown: Shown | None = None
        if not itx.response.is_done():
            await itx.response.send_message(embeds=first.embeds, view=page_view(first),
                                            files=uploads or MISSING, ephemeral=private,
                                            allowed_mentions=NO_MENTIONS)
            shown = await itx.original_response() if not reply.final else None
        elif self.deferred:
            self.deferred = False
            if private == self.deferred_ephemeral:
                shown = await itx.edit_original_response(embeds=first.embeds, view=first.view,
                                                         attachments=uploads or MISSING,
                                                         allowed_mentions=NO_MENTIONS)
            else:  # visibility differs: follow up, and drop a public "thinking…"
                shown = await itx.followup.send(embeds=first.embeds, view=page_view(first),
                                                files=uploads or MISSING, ephemeral=private,
                                                wait=True, allowed_mentions=NO_MENTIONS)
                if not self.deferred_ephemeral:
                    await itx.delete_original_response()
        else:
            shown = await itx.followup.send(embeds=first.embeds, view=page_view(first),
                                            files=uploads or MISSING, ephemeral=private,
                                            wait=True, allowed_mentions=NO_MENTIONS)
        return await self._follow_up(rest, private, shown)

    async def send_form(self, reply: Reply) -> bool:
        """The code modal, prefilled: only as the interaction's first response (a modal cannot
        follow a defer) and only for code that fits its field."""
        form = reply.form
        if form is None or self.itx.response.is_done() or len(form.code) > CODE_MAX:
            return False
        await self.itx.response.send_modal(CodeModal(
            form.command, form.option, title=t(self.lang, "discord_modal_title", name=form.command),
            label=t(self.lang, "edit_title"), default=form.code))
        return True

    async def edit(self, target: Shown, reply: Reply) -> Shown | None:
        return await _or_text_alone(lambda r: self._edit(target, r), reply)

    async def _edit(self, target: Shown, reply: Reply) -> Shown | None:
        first, *rest = self.render(reply, self.lang)
        # The edited message's attachments become the reply's own (none for a text reply).
        shown = await target.edit(embeds=first.embeds, view=first.view,
                                  attachments=files(reply) if reply.has_files else MISSING,
                                  allowed_mentions=NO_MENTIONS)
        return await self._follow_up(rest, reply.private, shown)

    async def edit_source(self, reply: Reply) -> Shown | None:
        """Replace the clicked message (a quiz tally); never with a private reply, which would
        show the answer to the whole channel."""
        if reply.private or self.itx.type is not discord.InteractionType.component:
            raise Refused("no clicked message to replace")
        first, *rest = self.render(reply, self.lang)
        itx = self.itx
        try:
            if not itx.response.is_done():
                await itx.response.edit_message(embeds=first.embeds, view=first.view,
                                                allowed_mentions=NO_MENTIONS)
            elif itx.message is not None:
                await itx.message.edit(embeds=first.embeds, view=first.view,
                                       allowed_mentions=NO_MENTIONS)
            else:
                raise Refused("the clicked message is unknown")
        except discord.HTTPException as exc:
            log.warning("discord: could not edit the clicked message: %s", exc)
            raise Refused(str(exc)) from exc
        return await self._follow_up(rest, reply.private, None)

    async def _follow_up(self, pages: list[Page], private: bool, shown: Shown | None
                         ) -> Shown | None:
        """The pages after the first; a reply of several pages cannot be edited later."""
        for page in pages:
            await self.itx.followup.send(embeds=page.embeds, view=page_view(page), ephemeral=private,
                                         allowed_mentions=NO_MENTIONS)
        return None if pages else shown


async def _or_text_alone(show: Callable[[Reply], Awaitable[Shown | None]], reply: Reply
                         ) -> Shown | None:
    """Show the reply; when Discord refuses its upload (400, 413), show it without the files:
    its text holds what they stand for (the text timeline, the head of the output)."""
    if not reply.has_files:
        return await show(reply)
    try:
        return await show(reply)
    except discord.HTTPException as exc:
        if exc.status not in (400, 413):
            raise
        log.warning("discord: the files of a reply were refused (%s %s); sending its text",
                    exc.status, exc.text)
    return await show(replace(reply, image=None, document=None))


def page_view(page: Page) -> Any:
    return page.view if page.view is not None else MISSING
