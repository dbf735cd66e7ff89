"""The Discord adapter: interaction -> core `Command` -> replies -> Discord.

It runs the real discord.py client inside the host's loop (`client.start()`, never
`Client.run()`, which would own the loop). No message content is read (no privileged intent):
everything arrives as an interaction (slash command, context menu, button, modal, autocomplete).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.utils import MISSING

from bot.adapters._proxy import proxy_for
from bot.adapters.base import AdapterFatal
from bot.adapters.discord._answer import NO_MENTIONS, InteractionAnswer, page_view
from bot.adapters.discord._buttons import MODAL_TEMPLATE, ChoiceView, CodeModal, CoreButton, is_ours
from bot.adapters.discord._commands import (
    code_of_message,
    command_payloads,
    context_menu_name,
    focused_option,
    guild_of,
    invite_url,
    invoked,
    multiline_option,
    payload_hash,
    scope_of,
)
from bot.adapters.discord._render import files, plain_pages, render, view_for
from bot.adapters.memo import ReplyMemo
from bot.core.app import TargetGone
from bot.core.complete import complete
from bot.core.i18n import t
from bot.core.router import CommandSpec
from bot.core.types import Button, ChatKind, ChatRef, Command, Lang, Reply, UserRef

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.ports.storage import PlatformState
    from bot.settings import DiscordSettings

log = logging.getLogger(__name__)

AUTOCOMPLETE_MAX = 25
CLOSE_TIMEOUT = 3.0  # seconds for a clean close before the start task is cancelled
# Close codes that no reconnect can fix: authentication failed, invalid intents, disallowed intents.
FATAL_CLOSE_CODES = {4004: "Discord rejected DISCORD__TOKEN at the gateway (4004)",
                     4013: "invalid gateway intents (4013)",
                     4014: "the bot asked for a privileged intent it is not allowed (4014)"}
_DEFAULT_GATEWAY = DiscordWebSocket.DEFAULT_GATEWAY


def point_at(settings: DiscordSettings) -> None:
    """Aim discord.py at the configured REST base and gateway (tests, proxies).

    discord.py builds every REST URL, webhooks and interaction callbacks included, from the
    class attribute `Route.BASE`, and opens the gateway at `DiscordWebSocket.DEFAULT_GATEWAY`
    (2.7 does not ask `GET /gateway/bot`; after READY it resumes at `resume_gateway_url`).
    Both are per process, as is this adapter: one Discord client per process.
    """
    Route.BASE = settings.api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = (yarl.URL(settings.gateway_url) if settings.gateway_url
                                        else _DEFAULT_GATEWAY)


class _Client(discord.Client):
    def __init__(self, adapter: DiscordAdapter, **shards: Any) -> None:
        # The bot never joins voice: skip discord.py's two warnings about missing voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # No privileged intent: guilds only, for the channel cache that daily posts use.
        # HTTPS_PROXY/NO_PROXY: discord.py reads no environment, it takes one proxy for all.
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=NO_MENTIONS,
                         proxy=proxy_for(adapter.settings.api_base), **shards)
        self.adapter = adapter

    async def setup_hook(self) -> None:
        # After login, before the gateway: sync here, never in on_ready (it fires on every
        # reconnect). Dynamic items make the buttons of every past message clickable again,
        # in every process: a click reaches the process whose shard holds the guild.
        self.add_dynamic_items(CoreButton)
        if self.adapter.settings.syncs_commands:
            await self.adapter.sync_commands()
        else:
            log.info("discord: shard 0 runs in another process; that one syncs the commands")

    async def on_ready(self) -> None:
        log.info("discord: connected as %s (application %s, %d servers%s)",
                 self.user, self.application_id, len(self.guilds), self.shards_here())
        if self.application_id is not None:
            log.info("discord: add the bot to a server with %s", invite_url(self.application_id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.adapter.on_interaction(interaction)

    def shards_here(self) -> str:
        return ""

    def gateway_open(self) -> bool:
        return self.ws is not None and self.ws.open


class _ShardedClient(_Client, discord.AutoShardedClient):
    """Some shards of DISCORD__SHARD_COUNT (DISCORD__SHARD_IDS), or all of them, in this
    process. Each guild's events (its interactions) come to the shard that holds it;
    posts the bot starts go out by REST, from any process."""

    def shards_here(self) -> str:
        return f", shards {','.join(str(n) for n in sorted(self.shards))} of {self.shard_count}"

    def gateway_open(self) -> bool:
        return bool(self.shards) and not any(shard.is_closed() for shard in self.shards.values())


class DiscordAdapter:
    name = "discord"
    # Discord wants an answer within 3 s: a reply not ready after this long is deferred.
    defer_after = 2.0

    def __init__(self, settings: DiscordSettings, core: Core) -> None:
        if settings.token is None:
            raise ValueError("DiscordAdapter needs DISCORD__TOKEN")
        self.settings = settings
        self.core = core
        self._render = ReplyMemo(render)  # a card is rendered once per voice, not per lookup
        self.client: _Client | None = None
        core.register_deliverer("discord", self)

    # -- lifecycle ---------------------------------------------------------------------------

    def is_connected(self) -> bool:
        """For /inside and /healthz: READY seen and the gateway socket open. discord.py
        reconnects by itself inside run(), so without this an outage would look "connected"."""
        client = self.client
        return (client is not None and client.is_ready() and not client.is_closed()
                and client.gateway_open())

    async def run(self) -> None:
        """Log in, sync commands, serve until cancelled. A rejected token is `AdapterFatal`."""
        assert self.settings.token is not None
        point_at(self.settings)
        client = self.client = self._client()
        async with client:
            start = asyncio.create_task(client.start(self.settings.token.get_secret_value()),
                                        name="discord:start")
            try:
                # wait() rather than await: our cancellation must not cancel start() before
                # close() has said goodbye to the gateway.
                await asyncio.wait({start})
            finally:
                if not start.done():
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(client.close(), CLOSE_TIMEOUT)
                    # After an outage start() may sit in its reconnect backoff: do not wait it out.
                    start.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await start
            try:
                start.result()
            except discord.LoginFailure:
                raise AdapterFatal("Discord rejected DISCORD__TOKEN (401 Unauthorized)") from None
            except discord.PrivilegedIntentsRequired:
                raise AdapterFatal(FATAL_CLOSE_CODES[4014]) from None
            except discord.ConnectionClosed as exc:
                if exc.code in FATAL_CLOSE_CODES:
                    raise AdapterFatal(FATAL_CLOSE_CODES[exc.code]) from None
                raise

    def _client(self) -> _Client:
        s = self.settings
        if s.shard_count is None:
            return _Client(self)
        shard_ids = list(s.shards) if s.shards is not None else None
        return _ShardedClient(self, shard_count=s.shard_count, shard_ids=shard_ids)

    @property
    def storage(self) -> PlatformState:
        return self.core.services.platform

    async def sync_commands(self) -> None:
        """PUT the commands when their hash differs from the last sync for this application and
        scope, after clearing the commands of a dev server no longer configured (they would show
        there twice: its own and the global ones). A failed sync is logged: the commands Discord
        already has keep working."""
        client = self.client
        assert client is not None and client.application_id is not None
        app_id = client.application_id
        payloads = command_payloads(self.core.router.visible(), self.core.default_lang)
        digest = payload_hash(payloads)
        guild = self.settings.dev_guild_id
        scope = scope_of(guild)
        await self._clear_old_guilds(app_id, scope)
        if await self.storage.platform_value(_sync_key(app_id, scope)) == digest:
            log.info("discord: %d commands unchanged (%s); no sync needed", len(payloads), scope)
            return
        try:
            if guild:
                await client.http.bulk_upsert_guild_commands(app_id, guild, payloads)
            else:
                await client.http.bulk_upsert_global_commands(app_id, payloads)
        except discord.HTTPException as exc:
            log.error("discord: command sync (%s) failed: %s %s", scope, exc.status, exc.text)
            return
        await self.storage.set_platform_value(_sync_key(app_id, scope), digest)
        log.info("discord: synced %d commands (%s)", len(payloads), scope)

    async def _clear_old_guilds(self, app_id: int, scope: str) -> None:
        """Empty the command list of every dev server synced before that is not `scope`."""
        client = self.client
        assert client is not None
        for old in sorted(await self.storage.platform_values(_sync_key(app_id, ""))):
            old_guild = guild_of(old)
            if old_guild is None or old == scope:
                continue
            try:
                await client.http.bulk_upsert_guild_commands(app_id, old_guild, [])
            except (discord.Forbidden, discord.NotFound):
                pass  # the bot left that server: its commands went with it
            except discord.HTTPException as exc:
                log.warning("discord: could not clear the commands of %s (%s %s); trying again"
                            " at the next start", old, exc.status, exc.text)
                continue
            await self.storage.forget_platform_value(_sync_key(app_id, old))
            log.info("discord: cleared the commands of %s (no longer the dev server)", old)

    # -- interactions ------------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        try:
            match interaction.type:
                case discord.InteractionType.application_command:
                    await self._on_app_command(interaction)
                case discord.InteractionType.autocomplete:
                    await self._on_autocomplete(interaction)
                case discord.InteractionType.component:
                    custom_id = str((interaction.data or {}).get("custom_id", ""))
                    if not is_ours(custom_id):  # ours are answered by CoreButton
                        await self._politely(interaction, "discord_stale_button")
                case discord.InteractionType.modal_submit:
                    await self._on_modal(interaction)
        except Exception:
            log.exception("discord: interaction %s (type %s) failed", interaction.id,
                          interaction.type)
            await self._politely(interaction, "internal_error")

    async def on_button(self, interaction: discord.Interaction, payload: str) -> None:
        """A click runs the button's command line as the clicking user; a command that takes
        code and has a form to start from (Submit) opens that form instead."""
        button = Button.from_payload(payload)
        try:
            # Discord checks a click's custom id against the message's components, so these
            # args are the bot's own: vouched for (they may carry a channel, as options do).
            command = self._command(interaction, button.command, button.args, {}, vouched=True)
            spec = self.core.router.get(button.command)
            if spec is not None and spec.prefill is not None and multiline_option(spec):
                await self._open_form(interaction, spec, command, button.args)
                return
            await self.answer(interaction, command)
        except Exception:
            log.exception("discord: button %r failed", payload)
            await self._politely(interaction, "internal_error")

    async def _on_app_command(self, interaction: discord.Interaction) -> None:
        data = cast(dict[str, Any], interaction.data or {})
        if data.get("type") == 3:  # message context menu: "Run code"
            await self._on_message_command(interaction, data)
            return
        name = str(data.get("name", ""))
        spec = self.core.router.get(name)
        args, values = invoked(spec, data)
        option = multiline_option(spec) if spec else None
        command = self._command(interaction, name, args, values)
        if spec is not None and option is not None and not values.get(option.name, "").strip():
            await self._open_form(interaction, spec, command, command.args)
            return
        await self.answer(interaction, command)

    async def _open_form(self, interaction: discord.Interaction, spec: CommandSpec,
                         command: Command, args: str) -> None:
        """The code modal (it cannot follow a defer: answered at once), carrying the other
        options typed so far and starting from what the command's spec suggests."""
        option = multiline_option(spec)
        assert option is not None
        lang = await self._lang(command)
        await interaction.response.send_modal(CodeModal(
            spec.name, option.name, title=t(lang, "discord_modal_title", name=spec.name),
            label=option.help.get(lang), args=args.strip(),
            default=await self.core.prefill(command)))

    async def _on_message_command(self, interaction: discord.Interaction, data: dict[str, Any]
                                  ) -> None:
        spec = next((s for s in self.core.router.visible()
                     if multiline_option(s) and context_menu_name(s) == data.get("name")), None)
        message = data.get("resolved", {}).get("messages", {}).get(str(data.get("target_id")), {})
        code = code_of_message(str(message.get("content") or ""))
        name = spec.name if spec else str(data.get("name", ""))
        option = multiline_option(spec) if spec else None
        values = {option.name: code} if option else {}
        command = self._command(interaction, name, code, values)
        if not code.strip():
            lang = await self._lang(command)
            await self._send_text(interaction, t(lang, "discord_no_code"), lang)
            return
        choices = await self.core.choices(command) if spec is not None else None
        if choices is not None and choices.values and option is not None:
            # A message command carries no options: ask (which challenge), then run.
            lang = await self._lang(command)
            default = dict(choices.values).get(choices.default or "")
            view = ChoiceView(self, name, choices.option, list(choices.values), choices.default,
                              {option.name: code}, placeholder=t(lang, "discord_choose"),
                              default_label=default or "")
            await interaction.response.send_message(
                t(lang, "discord_choose"), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        await self.answer(interaction, command)

    async def on_choice(self, interaction: discord.Interaction, name: str,
                        values: dict[str, str]) -> None:
        """The answer to a ChoiceView: run the command with every value."""
        try:
            spec = self.core.router.get(name)
            await self.answer(interaction, self._command(interaction, name, _args(spec, values), values))
        except Exception:
            log.exception("discord: choice for /%s failed", name)
            await self._politely(interaction, "internal_error")

    async def _on_modal(self, interaction: discord.Interaction) -> None:
        data = cast(dict[str, Any], interaction.data or {})
        match = MODAL_TEMPLATE.fullmatch(str(data.get("custom_id", "")))
        if match is None:  # another bot's or an older version's form
            await self._politely(interaction, "discord_stale_button")
            return
        code = _field(data.get("components", []), match["option"]) or ""
        values = {match["option"]: code}
        spec = self.core.router.get(match["command"])
        other = next((o for o in spec.options if not o.multiline), None) if spec else None
        if match["args"] and other is not None:  # what the command had besides the code
            values[other.name] = match["args"]
        command = self._command(interaction, match["command"], _args(spec, values) or code, values)
        await self.answer(interaction, command)

    async def _on_autocomplete(self, interaction: discord.Interaction) -> None:
        """From the core's in-memory sources, never deferred (Discord does not allow it), <= 25."""
        data = cast(dict[str, Any], interaction.data or {})
        spec = self.core.router.get(str(data.get("name", "")))
        focused, option = focused_option(spec, data)
        choices: list[discord.app_commands.Choice[str]] = []
        if focused is not None and spec is not None and option is not None and option.autocomplete:
            lang = await self._lang(self._command(interaction, spec.name, "", {}))
            choices = [discord.app_commands.Choice(name=label, value=value) for value, label in
                       complete(self.core, option.autocomplete, str(focused.get("value", "")), lang,
                                AUTOCOMPLETE_MAX)]
        await interaction.response.autocomplete(choices[:AUTOCOMPLETE_MAX])

    def _command(self, interaction: discord.Interaction, name: str, args: str,
                 options: Mapping[str, str], *, vouched: bool = False) -> Command:
        in_guild = interaction.guild_id is not None
        # A group DM, or a DM between two users (the bot added to a user's account): people
        # other than the user are there, and none of them is an admin of it.
        shared = not in_guild and interaction.context.private_channel
        # Discord always sends the channel; the user id is only a last resort key.
        chat = ChatRef("discord", str(interaction.channel_id or interaction.user.id),
                       ChatKind.GROUP if in_guild or shared else ChatKind.PRIVATE)
        user = UserRef("discord", str(interaction.user.id), interaction.user.display_name)
        # Manage Server in a server; in the bot's DM the user is the only human, hence the admin.
        is_admin = interaction.permissions.manage_guild if in_guild else not shared
        return Command(name=name.lower(), args=args, chat=chat, user=user,
                       options=MappingProxyType(dict(options)), is_admin=is_admin,
                       locale=str(interaction.locale), vouched=vouched)

    async def _lang(self, command: Command) -> Lang:
        try:
            return await self.core.lang_for(command)
        except Exception:
            log.exception("discord: could not read the language of %s", command.user.key)
            return self.core.default_lang

    # -- answering ---------------------------------------------------------------------------

    async def answer(self, interaction: discord.Interaction, command: Command) -> None:
        """Stream the core's replies into the interaction (bot.adapters.base.Answer): defer
        first when the command may outlast Discord's 3 s window (or once it turns out slow),
        then fill the deferred response, edit progress in place, and follow up."""
        spec: CommandSpec | None = self.core.router.get(command.name)
        answer = InteractionAnswer(interaction, self._render, self.core.default_lang,
                                   private=spec.private if spec else True,
                                   ack_after=self.defer_after)
        # Nothing awaited since the interaction arrived: now is its receipt.
        answer.time_first_reply(self.core.reply_times(command))
        await answer.play(self._in_their_language(answer, command),
                          long_running=spec is not None and spec.long_running)

    async def _in_their_language(self, answer: InteractionAnswer, command: Command
                                 ) -> AsyncIterator[Reply]:
        """The core's replies, once the user's language is known (read after a long-running
        command's defer, and while the slow-answer timer already runs)."""
        answer.lang = await self._lang(command)
        async for reply in self.core.stream(command, lang=answer.lang):
            yield reply

    async def _send_text(self, itx: discord.Interaction, text: str, lang: Lang) -> None:
        await InteractionAnswer(itx, render, lang, private=True).show(Reply.text(text, private=True))

    async def _politely(self, itx: discord.Interaction, key: str) -> None:
        """An ephemeral sentence, never "This interaction failed"."""
        try:
            lang = await self._lang(self._command(itx, "", "", {}))
            if itx.response.is_done():
                await itx.followup.send(t(lang, key), ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await itx.response.send_message(t(lang, key), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("discord: could not answer interaction %s: %s", itx.id, exc)

    # -- messages the bot starts itself (core.deliver) ---------------------------------------

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None:
        """Post to a channel; the id of the last message (the one with the buttons). Raises
        the core's TargetGone when Discord refuses (403) or the channel is gone (404): the
        caller stops posting there, since repeated 403s count towards Discord's
        invalid-request ban. ConnectionError when not connected."""
        client = self.client
        if client is None or client.is_closed() or not client.is_ready():
            raise ConnectionError("the Discord adapter is not connected")
        try:
            # A channel not in the cache is posted to by id, not fetched first: a fan-out to
            # thousands of channels would otherwise double its requests (and discord.py's
            # rate-limit buckets, which it scans each time it makes a new one).
            channel = client.get_channel(int(chat.id)) or client.get_partial_messageable(int(chat.id))
            if not isinstance(channel, discord.abc.Messageable):
                raise TargetGone(f"discord: {chat.key} is not a text channel")
            lang = await self._lang(Command("", "", chat, UserRef("discord", "0")))
            sent: discord.Message | None = None
            try:
                for i, page in enumerate(render(reply, lang)):
                    sent = await channel.send(embeds=page.embeds, view=page_view(page),
                                              files=(files(reply) or None) if i == 0 else None,
                                              allowed_mentions=NO_MENTIONS)
            except discord.Forbidden:  # perhaps no Embed Links permission: plain text
                texts = plain_pages(reply)
                view = view_for(reply)  # the buttons still go under the last page (quiz answers)
                for i, text in enumerate(texts):
                    sent = await channel.send(text, view=view if view and i == len(texts) - 1
                                              else MISSING, allowed_mentions=NO_MENTIONS)
            return str(sent.id) if sent is not None else None
        except discord.Forbidden as exc:
            raise TargetGone(f"discord: may not post to {chat.key}: {exc.text}") from None
        except discord.NotFound as exc:
            raise TargetGone(f"discord: {chat.key} not found: {exc.text}") from None
        except discord.HTTPException as exc:
            if exc.code == NOT_A_TEXT_CHANNEL:
                raise TargetGone(f"discord: {chat.key} is not a text channel") from None
            raise


    async def edit_delivered(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        """Replace a posted message (a round's question, by its answer). A channel message
        can be edited at any age, unlike an interaction's (15 minutes)."""
        client = self.client
        if client is None or client.is_closed() or not client.is_ready():
            return False
        channel = client.get_channel(int(chat.id)) or client.get_partial_messageable(int(chat.id))
        if not isinstance(channel, discord.abc.Messageable) or not hasattr(channel, "get_partial_message"):
            return False
        lang = await self._lang(Command("", "", chat, UserRef("discord", "0")))
        first, *_ = render(reply, lang)
        try:
            await channel.get_partial_message(int(message_id)).edit(
                embeds=first.embeds, view=first.view, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.info("discord: could not edit message %s in %s: %s", message_id, chat.key, exc)
            return False
        return True


NOT_A_TEXT_CHANNEL = 50008  # Discord's JSON error code: "Cannot send messages in a non-text channel"


def _sync_key(app_id: int, scope: str) -> str:
    """The platform value holding the hash of the commands last synced to that scope."""
    return f"discord.commands:{app_id}:{scope}"


def _args(spec: CommandSpec | None, values: Mapping[str, str]) -> str:
    """The typed form of the options, in the spec's order, for handlers that read `args`."""
    names = [o.name for o in spec.options] if spec else list(values)
    return " ".join(values[n] for n in names if values.get(n))


def _field(components: list[dict[str, Any]], custom_id: str) -> str | None:
    """A modal field's value, wherever Discord nests it (action rows or labels)."""
    for component in components:
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component["value"])
        nested = component.get("components") or ([component["component"]]
                                                 if "component" in component else [])
        if (found := _field(nested, custom_id)) is not None:
            return found
    return None
