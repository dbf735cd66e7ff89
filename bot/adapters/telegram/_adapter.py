"""The Telegram adapter: PTB driven by hand inside the process's one event loop.

`run()` never calls `run_polling()` (that owns and closes the loop): it enters the Application,
starts it, starts PTB's updater polling (one process per bot) or this adapter's own webhook
server (any number of processes), waits until cancelled and undoes each step in reverse.
Updates are processed concurrently, so one long run never stalls another user; every request
goes through PTB's AIORateLimiter, which also retries a RetryAfter, with its overall ceiling
shared by every process of the bot (`_limiter`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
import logging
import time
from dataclasses import replace
from urllib.parse import urlparse

from aiohttp import web
from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputFile,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    Poll,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import (
    ChatMemberStatus,
    ChatType,
    MessageLimit,
    ParseMode,
    PollLimit,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot.adapters.base import AdapterFatal, Refused
from bot.adapters.memo import ReplyMemo
from bot.adapters.telegram import _profile
from bot.adapters.telegram._answer import ChatAnswer, answer_query
from bot.adapters.telegram._limiter import FleetRateLimiter
from bot.adapters.telegram._render import keyboard, render_chunks
from bot.adapters.telegram._request import AiohttpRequest
from bot.core.app import Core, TargetGone
from bot.core.clock import iso
from bot.core.features.term import card_reply
from bot.core.i18n import t
from bot.core.ports.storage import Held
from bot.core.text import cut_line, utf16_len
from bot.core.types import (
    Button,
    ChatKind,
    ChatRef,
    Command,
    Lang,
    Paragraph,
    QuizPoll,
    Reply,
    UserRef,
)
from bot.settings import TelegramSettings

log = logging.getLogger(__name__)

# POLL_ANSWER: votes on the bot's own non-anonymous quiz polls (not sent unless asked for).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.POLL_ANSWER]
# What Telegram sends a webhook's secret in (setWebhook's secret_token).
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Chat administrators are looked up once per chat and remembered this long.
ADMIN_TTL = 300.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# A poller that lost its lock over the bot's processes asks for it again this often.
RETAKE_S = 5.0


class TelegramAdapter:
    name = "telegram"

    def __init__(self, settings: TelegramSettings, core: Core) -> None:
        if settings.token is None:
            raise ValueError("TelegramAdapter needs TELEGRAM__TOKEN")
        self.settings = settings
        self.core = core
        # A card is escaped, split and given its keyboard once per voice, not per lookup.
        self._chunks = ReplyMemo(render_chunks)
        self._keyboard = ReplyMemo(keyboard)
        self.application: Application | None = None
        self.username: str | None = None
        self.inline = False  # whether inline mode is on (BotFather's /setinline): share buttons
        self._admins: dict[int, tuple[float, frozenset[int]]] = {}
        self._inflight: set[asyncio.Task] = set()
        self._no_polls: set[int] = set()  # chats that refused a poll (channels): buttons there
        self.ready = asyncio.Event()  # set while updates are being received
        self.retake_s = RETAKE_S
        core.register_deliverer("telegram", self)

    # -- lifecycle ---------------------------------------------------------------------------

    def build(self) -> Application:
        s = self.settings
        assert s.token is not None
        # The overall ceiling is per bot token: with several processes, each keeps to its share.
        limiter = FleetRateLimiter(
            AIORateLimiter(
                overall_max_rate=s.rate_overall, overall_time_period=s.rate_overall_period,
                group_max_rate=s.rate_group, group_time_period=s.rate_group_period,
                max_retries=s.max_retries),
            self.core.fleet, overall_max_rate=s.rate_overall,
            overall_time_period=s.rate_overall_period)
        app = (
            ApplicationBuilder()
            .token(s.token.get_secret_value())
            .base_url(s.base_url)
            .base_file_url(s.base_file_url)
            .rate_limiter(limiter)
            .concurrent_updates(s.concurrent_updates)
            .request(AiohttpRequest())
            # PTB's get_updates adds the long poll's timeout to this read timeout itself: 10 s of
            # slack past poll_timeout for the answer to arrive.
            .get_updates_request(AiohttpRequest(connection_pool_size=1, read_timeout=10))
            .build()
        )
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_message))
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_handler(InlineQueryHandler(self._on_inline))
        app.add_handler(PollAnswerHandler(self._on_poll_answer))
        app.add_error_handler(self._on_error)
        return app

    async def run(self) -> None:
        app = self.build()
        try:
            async with app:  # initialize() (getMe) ... shutdown()
                self.application = app
                self.username = app.bot.username
                self.inline = bool(app.bot.supports_inline_queries)
                await self.sync_profile(app.bot)
                await app.start()
                try:
                    if self.settings.mode == "webhook":
                        await self._serve_webhook(app)
                    else:
                        await self._poll(app)
                finally:
                    self.ready.clear()
                    self.application = None
                    if app.updater is not None and app.updater.running:
                        try:
                            await app.updater.stop()
                        except TelegramError:  # stopping re-raises a dead poller's error
                            pass
                    await self._finish_inflight()
                    await app.stop()  # waits for every handler task PTB started
        except InvalidToken:
            # PTB's own message quotes the token: never pass it on.
            raise AdapterFatal("Telegram rejected TELEGRAM__TOKEN (HTTP 401/404);"
                               " check the token with @BotFather") from None

    async def _finish_inflight(self) -> None:
        """Give running commands a short grace to finish, then cancel them: a stuck sandbox
        run must not keep the process from shutting down."""
        pending = {task for task in self._inflight if not task.done()}
        if pending:
            _, late = await asyncio.wait(pending, timeout=self.settings.shutdown_grace)
            for task in late:
                task.cancel()
            if late:
                log.warning("telegram: cancelled %d command(s) still running at shutdown", len(late))

    def _track(self) -> None:
        """Remember the current handler task (PTB's per-update task) until it ends."""
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _poll(self, app: Application) -> None:
        """Long polling, in one process per bot: Telegram hands each update to one getUpdates,
        so a second poller would fight the first (409 Conflict) and both would lose updates.
        Through a database that several processes share, the second is refused at once.

        The lock can be lost while polling (the database ended its connection): polling stops
        then, since another process may take the lock and start, and this process asks for the
        lock again every RETAKE_S, polling again once it holds it. Meanwhile it still sends
        (daily posts, rounds): only receiving is one process's."""
        platform = self.core.services.platform
        name = f"telegram-polling:{app.bot.id}"
        first = True
        while True:
            async with contextlib.AsyncExitStack() as stack:
                try:
                    lock = await stack.enter_async_context(platform.hold(name))
                except Exception as exc:
                    if first:  # the database is down at start: the host retries the adapter
                        raise
                    log.debug("telegram: cannot ask for the polling lock yet (%s)", exc)
                    lock = None
                if lock is not None and not lock and first:
                    raise AdapterFatal(
                        f"another bot process is already polling @{self.username} with this"
                        " token; run one poller, or TELEGRAM__MODE=webhook for many processes")
                first = False
                if lock:
                    await self._poll_holding(app, lock)
            await asyncio.sleep(self.retake_s)

    async def _poll_holding(self, app: Application, lock: Held) -> None:
        """Poll until the lock is lost (then stop polling and return) or PTB's polling gives
        up by itself (a revoked token: raise, and the host decides)."""
        assert app.updater is not None
        before = _poller_tasks()
        await app.updater.start_polling(timeout=self.settings.poll_timeout,
                                        allowed_updates=ALLOWED_UPDATES)
        self.ready.set()
        log.info("telegram: @%s is polling", self.username)
        pollers = _poller_tasks() - before
        lost = asyncio.create_task(lock.lost.wait(), name="telegram:polling-lock")
        try:
            await asyncio.wait({*pollers, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if lock.lost.is_set():
            self.ready.clear()
            log.warning("telegram: stopped polling @%s: its lock over the bot's processes was"
                        " lost (%s); another process may poll now, this one takes the lock back"
                        " when it is free", self.username, lock.why)
            try:
                await app.updater.stop()
            except TelegramError:  # stopping re-raises a dead poller's error
                pass
            return
        failed = next((p.exception() for p in pollers if not p.cancelled() and p.exception()),
                      None)
        if isinstance(failed, InvalidToken):
            raise InvalidToken("rejected while polling")
        raise RuntimeError(f"Telegram polling stopped: {type(failed).__name__}")

    async def _serve_webhook(self, app: Application) -> None:
        """Receive updates on TELEGRAM__WEBHOOK_LISTEN:PORT, as any number of processes behind
        a load balancer can: each checks the secret header and hands the update to PTB's
        queue. The server is this adapter's own (aiohttp), not PTB's updater, whose start
        sets the webhook in every process at every start (N processes: N calls, and
        Telegram answers a burst of setWebhook with 429)."""
        s = self.settings
        assert s.webhook_url is not None
        if s.webhook_secret is None:
            log.warning("telegram: the webhook has no TELEGRAM__WEBHOOK_SECRET: anyone who finds"
                        " its URL can post updates as any user")
        secret = s.webhook_secret.get_secret_value().encode() if s.webhook_secret else None

        async def receive(request: web.Request) -> web.Response:
            if secret is not None:
                given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
                if not hmac.compare_digest(given, secret):
                    return web.Response(status=403, text="missing or wrong secret token")
            try:
                update = Update.de_json(await request.json(), app.bot)
            except Exception as exc:  # not JSON, or not an update: the sender's mistake
                log.info("telegram: the webhook got a body that is no update: %s", exc)
                return web.Response(status=400, text="not an update")
            await app.update_queue.put(update)
            return web.Response(text="ok")

        server = web.Application()
        server.router.add_post(urlparse(s.webhook_url).path or "/", receive)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, s.webhook_listen, s.webhook_port).start()
            await self._set_webhook(app.bot)
            self.ready.set()
            log.info("telegram: @%s is on its webhook (listening on %s:%d)", self.username,
                     s.webhook_listen, s.webhook_port)
            await asyncio.Event().wait()  # serve until cancelled
        finally:
            await runner.cleanup()

    async def _set_webhook(self, bot: Bot) -> None:
        """Set the webhook at Telegram only when it is not already what this process serves:
        Telegram's answer (getWebhookInfo: URL and update types) and the fingerprint stored
        at the last set (the secret is never read back) both agree, or it is set again. One
        process sets it at a time; one that finds another setting it leaves it to that one."""
        s = self.settings
        assert s.webhook_url is not None
        secret = s.webhook_secret.get_secret_value() if s.webhook_secret else None
        name = f"telegram-webhook:{bot.id}"
        want = self._fingerprint(s.webhook_url, secret or "", *ALLOWED_UPDATES)
        platform = self.core.services.platform
        async with platform.hold(name) as mine:
            if not mine:
                log.info("telegram: another process is setting the webhook; this one serves it")
                return
            info = await bot.get_webhook_info()
            if (info.url == s.webhook_url
                    and sorted(info.allowed_updates or ()) == sorted(ALLOWED_UPDATES)
                    and await platform.platform_value(name) == want):
                log.info("telegram: the webhook is already set to %s", s.webhook_url)
                return
            await bot.set_webhook(s.webhook_url, allowed_updates=ALLOWED_UPDATES,
                                  secret_token=secret)
            await platform.set_platform_value(name, want)
            log.info("telegram: webhook set to %s", s.webhook_url)

    def _fingerprint(self, *parts: str) -> str:
        """A keyed digest of what was set (the key is the bot token): the database learns
        whether the webhook secret changed, never the secret itself."""
        assert self.settings.token is not None
        key = self.settings.token.get_secret_value().encode()
        return hmac.new(key, "\n".join(parts).encode(), hashlib.sha256).hexdigest()

    async def sync_profile(self, bot: Bot) -> None:
        """The command menus and descriptions, each sent only when it changed (`_profile`), by
        one process at a time: N processes starting together do not send them N times. A
        failure is logged: the bot serves with the menus it had."""
        platform = self.core.services.platform
        try:
            async with platform.hold(f"telegram-profile:{bot.id}") as mine:
                if not mine:
                    log.info("telegram: another process is updating the menus and descriptions")
                    return
                await _profile.sync(bot, platform, _profile.parts(
                    self.core.router.visible(), self.core.library.about, self.core.default_lang))
        except Exception:
            log.exception("telegram: could not update the command menus and descriptions")

    # -- the core's port for messages the bot starts itself ---------------------------------

    async def deliver(self, chat: ChatRef, reply: Reply) -> str | None:
        """Send a reply the bot starts itself (a daily post, a round's question): the id of
        the message with its buttons, or None for a quiz poll (it shows its answer itself when
        it closes). Raises the core's TargetGone when the bot was blocked or removed or the
        chat no longer exists, so the caller stops posting there instead of retrying forever."""
        if self.application is None:
            raise RuntimeError("the Telegram adapter is not running")
        try:
            bot, chat_id = self.application.bot, int(chat.id)
            if reply.poll and await self.send_poll(bot, chat_id, chat.kind, reply):
                return None
            return str((await self.send_message(bot, chat_id, reply)).message_id)
        except Forbidden as exc:  # "bot was blocked by the user", "bot was kicked"
            raise TargetGone(f"telegram refused: {exc.message}") from None
        except ChatMigrated as exc:  # a group upgraded to a supergroup: its old id is dead
            raise TargetGone(f"telegram: the group is now the supergroup {exc.new_chat_id};"
                             " /daily set there") from None
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise TargetGone(f"telegram: {exc.message}") from None
            raise

    async def edit_delivered(self, chat: ChatRef, message_id: str, reply: Reply) -> bool:
        """Replace a message the bot posted (a round's question, by its answer)."""
        if self.application is None:
            return False
        chunks = self._chunks(reply)
        try:
            await self.application.bot.edit_message_text(
                chunks[0], chat_id=int(chat.id), message_id=int(message_id),
                parse_mode=ParseMode.HTML, reply_markup=self._markup(reply),
                link_preview_options=NO_PREVIEW)
        except TelegramError as exc:
            log.info("telegram: could not edit message %s in %s: %s", message_id, chat.key, exc)
            return False
        return True

    # -- incoming updates --------------------------------------------------------------------

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received = time.monotonic()  # before the admin and language reads: they are the bot's time
        self._track()
        msg = update.message
        if msg is None or msg.text is None or msg.from_user is None:
            return
        chat_ref = _chat_ref(msg.chat)
        user_ref = _user_ref(msg.from_user)
        text = msg.text
        group = chat_ref.kind is ChatKind.GROUP
        is_command = text.lstrip().startswith("/")
        if is_command:
            command = Command.from_text(text, chat_ref, user_ref, bot_username=self.username)
            if command is None:
                return  # "/term@otherbot": addressed to another bot
            is_admin = await self._is_admin(context.bot, msg.chat, msg.from_user.id, msg)
            # A reply carries what it replies to (`/submit` + code under a challenge: its id).
            replied = msg.reply_to_message
            command = replace(command, is_admin=is_admin, locale=msg.from_user.language_code,
                              replied_to=(replied.text or replied.caption) if replied else None)
        elif group:
            return  # ordinary group talk is not for us (and privacy mode usually hides it)
        else:
            command = Command("", "", chat_ref, user_ref, is_admin=True)
        # Read once, for the answer's own texts and the core alike (a round trip with PostgreSQL).
        lang = await self._lang(command)
        stream = (self.core.stream(command, lang=lang) if is_command
                  else self.core.stream_text(text, chat_ref, user_ref, is_admin=True, lang=lang))
        answer = ChatAnswer(self, context.bot, msg.chat.id, group=group, user_id=msg.from_user.id,
                            lang=lang, reply_to=msg.message_id if group else None)
        answer.time_first_reply(self.core.reply_times(command), received)
        await answer.play(stream, long_running=self._long_running(command))

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        received = time.monotonic()
        self._track()
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        message = query.message
        stale = Command("", "", ChatRef("telegram", str(user.id)), _user_ref(user))
        spec = button = None
        if query.data and message is not None:
            try:
                button = Button.from_payload(query.data)
            except ValueError:  # data no Button of ours could have made
                button = None
            spec = self.core.router.get(button.command) if button else None
        if spec is None or button is None or message is None:
            await answer_query(query, t(await self._lang(stale), "tg_stale_button"))
            return
        chat = message.chat
        chat_ref = _chat_ref(chat)
        command = Command(button.command, button.args, chat_ref, _user_ref(user),
                          is_admin=await self._is_admin(context.bot, chat, user.id, None),
                          locale=user.language_code)
        lang = await self._lang(command)
        answer = ChatAnswer(self, context.bot, chat.id, group=chat_ref.kind is ChatKind.GROUP,
                            user_id=user.id, lang=lang, query=query,
                            polls=chat.type != ChatType.CHANNEL)
        answer.time_first_reply(self.core.reply_times(command), received)
        try:
            await answer.play(self.core.stream(command, lang=lang), long_running=spec.long_running)
        finally:
            if not answer.answered:
                await answer_query(query)

    async def _on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`@bot await` in any chat: the matching cards, ranked, each ready to send."""
        self._track()
        query = update.inline_query
        if query is None:
            return
        user = query.from_user
        lang = await self._lang(Command("term", query.query, ChatRef("telegram", str(user.id)),
                                        _user_ref(user)))
        cards = self.core.library.complete(query.query, limit=20)
        exact = self.core.library.by_id.get(query.query.strip())
        if exact is not None:  # a card's share button types its id: that card comes first
            cards = [exact, *(c for c in cards if c is not exact)][:20]
        results = []
        for card in cards:
            reply = card_reply(self.core, card, lang)
            chunks = self._chunks(reply)
            first = next((b for b in reply.blocks if isinstance(b, Paragraph)), None)
            description = cut_line("".join(s.text for s in first.spans), 120) if first else ""
            results.append(InlineQueryResultArticle(
                id=card.id, title=card.title(lang), description=description,
                input_message_content=InputTextMessageContent(
                    chunks[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW),
                reply_markup=self._inline_markup(reply, card.id, lang),
            ))
        await query.answer(results, cache_time=60, is_personal=True)

    def _inline_markup(self, reply: Reply, card_id: str, lang: Lang) -> InlineKeyboardMarkup | None:
        """The buttons of a card sent in inline mode, where the bot may not be a member of the
        chat: a callback button's answer (the next card, a demo run) would have nowhere to go.
        So only buttons that work from any chat: open the card in the bot (a deep link, where
        its own buttons work) and share it again (inline mode, which sent this one)."""
        rows = []
        if self.username:
            payload = "term_" + card_id.replace("-", "_")
            rows.append([InlineKeyboardButton(t(lang, "tg_open_in_bot"),
                                              url=f"https://t.me/{self.username}?start={payload}")])
        if reply.share is not None:
            rows.append([InlineKeyboardButton(reply.share.label, switch_inline_query=reply.share.query)])
        return InlineKeyboardMarkup(rows) if rows else None

    async def _on_poll_answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A vote on one of our quiz polls is the voter's `/answer <quiz-id> <k+1>` in the chat
        the poll was sent to: the core records it once and keeps score and streak."""
        self._track()
        vote = update.poll_answer
        if vote is None or vote.user is None or len(vote.option_ids) != 1:
            return  # a retracted vote, or one cast as a chat: nothing to record
        sent = await self.core.services.platform.telegram_poll(vote.poll_id)
        if sent is None:
            log.debug("telegram: a vote on a poll this bot does not know (%s)", vote.poll_id)
            return
        user = _user_ref(vote.user)
        if await self.core.services.quiz.user_answer(sent.post_id, user.key) is not None:
            return  # Telegram lets nobody vote twice; a repeated update changes nothing
        chat = ChatRef("telegram", sent.chat_id, ChatKind(sent.chat_kind))
        command = Command("answer", f"{sent.post_id} {vote.option_ids[0] + 1}", chat, user,
                          locale=vote.user.language_code)
        # The voter already saw right/wrong and the poll's general explanation. In the voter's
        # own private chat the result follows: why their pick is wrong, the misconception, the
        # card and a "next question" button. In a group the result stays unsaid there (no spam,
        # and it would give the answer away): a wrong pick's result goes to the voter's private
        # chat instead, when they have opened one with the bot. A forwarded poll's votes from
        # elsewhere are recorded quietly.
        speak = chat.kind is ChatKind.PRIVATE and chat.id == user.id
        lang = await self._lang(command)
        answer = ChatAnswer(self, context.bot, int(chat.id), group=False, user_id=vote.user.id,
                            lang=lang)
        private: list[Reply] = []
        async for reply in self.core.stream(command, lang=lang):
            if speak and not reply.edit_source:
                await answer.show(reply)
            elif reply.private:
                private.append(reply)
        if speak or chat.kind is not ChatKind.GROUP or not private:
            return
        recorded = await self.core.services.quiz.user_answer(sent.post_id, user.key)
        if recorded is None or recorded.correct:
            return  # a right vote: the poll said all there is
        try:
            for reply in private:
                await answer.send_private(reply)
        except Refused:
            log.debug("telegram: %s never opened a private chat; the why stays unsent", user.key)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        kind = type(update.effective_message or update.callback_query or update.inline_query
                    ).__name__ if isinstance(update, Update) else "no update"
        err = context.error
        log.error("telegram: handling an update (%s) failed: %s: %s", kind,
                  type(err).__name__, err, exc_info=err)

    # -- sending (the primitives of ChatAnswer, and deliver's) -------------------------------

    async def send_poll(self, bot: Bot, chat_id: int, kind: ChatKind, reply: Reply, *,
                         reply_to: int | None = None) -> bool:
        """Send the reply's question as a native quiz poll, after its intro (the code snippet a
        poll question cannot hold), and remember the poll for its votes. False when the poll
        does not fit or the chat refuses it (a channel): the caller sends the buttons instead."""
        poll = reply.poll
        if (poll is None or not self.settings.quiz_polls or chat_id in self._no_polls
                or not poll_fits(poll)):
            return False
        if poll.intro:
            # The poll's options are the answers; the reply's other buttons (open the card) go
            # under the intro instead of being lost.
            others = tuple(row for row in (tuple(b for b in r if b.command != "answer")
                                           for r in reply.buttons) if row)
            await self.send_message(bot, chat_id, Reply(blocks=poll.intro, title=reply.title,
                                                     buttons=others), reply_to=reply_to)
            reply_to = None
        try:
            # Non-anonymous: only then does Telegram report each vote (poll_answer).
            # A timed question closes by itself (within Telegram's bounds for open_period).
            period = (min(max(poll.open_period, PollLimit.MIN_OPEN_PERIOD), PollLimit.MAX_OPEN_PERIOD)
                      if poll.open_period else None)
            message = await bot.send_poll(
                chat_id, poll.question, list(poll.options), is_anonymous=False, type=Poll.QUIZ,
                correct_option_ids=[poll.correct_index], explanation=poll.explanation or None,
                open_period=period,
                reply_parameters=(ReplyParameters(reply_to, allow_sending_without_reply=True)
                                  if reply_to is not None else None))
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise
            log.info("telegram: chat %s refused a quiz poll (%s); using buttons there", chat_id,
                     exc.message)
            self._no_polls.add(chat_id)
            return False
        if message.poll is not None:
            await self.core.services.platform.telegram_poll_add(
                poll_id=message.poll.id, post_id=poll.quiz_id, chat_id=str(chat_id),
                chat_kind=kind.value, message_id=message.message_id,
                now=iso(self.core.services.clock.now()))
        return True

    async def edit_message(self, bot: Bot, message: Message, reply: Reply) -> Message | None:
        """Replace a message's text with the reply; None when it cannot be (too long, or
        Telegram refuses), so the caller sends a new message instead."""
        chunks = self._chunks(reply)
        if len(chunks) != 1 or reply.has_files:  # a text message cannot become a photo
            return None
        try:
            edited = await bot.edit_message_text(
                chunks[0], chat_id=message.chat.id, message_id=message.message_id,
                parse_mode=ParseMode.HTML, reply_markup=self._markup(reply),
                link_preview_options=NO_PREVIEW)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return message
            log.info("telegram: could not edit message %s: %s", message.message_id, exc)
            return None
        return edited if isinstance(edited, Message) else message

    async def send_message(self, bot: Bot, chat_id: int, reply: Reply, *,
                        reply_to: int | None = None) -> Message:
        """Send every chunk; the buttons go under the last one. Returns the last message."""
        if reply.has_files:
            return await self._send_with_files(bot, chat_id, reply, reply_to=reply_to)
        return await self._send_chunks(bot, chat_id, self._chunks(reply), self._markup(reply),
                                       reply_to)

    async def _send_with_files(self, bot: Bot, chat_id: int, reply: Reply, *,
                               reply_to: int | None = None) -> Message:
        """A reply with a picture or a file. The picture goes as a photo captioned with the
        reply when the reply fits a caption (without the text it replaces), else after the text
        with its alt text as the caption (the core's alt texts and file captions are a sentence
        or two, far under a caption's limit); the buttons go under the photo, with the result.
        A file follows as a document. A picture Telegram refuses is replaced by the text it
        stands for; a refused file leaves the head of the output the reply already shows."""
        image, document = reply.image, reply.document
        shown = reply.with_picture_shown()
        chunks = self._chunks(shown)
        markup = self._markup(reply)
        quote = reply_to
        sent: Message | None = None
        captioned = (image is not None and len(chunks) == 1
                     and utf16_len(chunks[0]) <= MessageLimit.CAPTION_LENGTH)
        if not captioned:
            sent = await self._send_chunks(bot, chat_id, chunks, None if image else markup, quote)
            quote = None
        if image is not None:
            caption = chunks[0] if captioned else html.escape(image.alt, quote=False)
            try:
                sent = await bot.send_photo(
                    chat_id, InputFile(image.png, filename=image.name), caption=caption,
                    parse_mode=ParseMode.HTML, reply_markup=markup, reply_parameters=_quote(quote))
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    raise
                log.warning("telegram: chat %s refused a picture (%s); sending its text", chat_id,
                            exc.message)
                instead = (replace(reply, image=None, document=None) if captioned
                           else Reply(blocks=image.replaces, buttons=reply.buttons))
                sent = await self._send_chunks(bot, chat_id, self._chunks(instead),
                                               self._markup(instead), quote)
        if document is not None:
            try:
                await bot.send_document(
                    chat_id, InputFile(document.data, filename=document.name),
                    caption=html.escape(document.caption, quote=False) or None,
                    parse_mode=ParseMode.HTML)
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    raise
                log.warning("telegram: chat %s refused a file (%s)", chat_id, exc.message)
        assert sent is not None
        return sent

    async def _send_chunks(self, bot: Bot, chat_id: int, chunks: list[str],
                           markup: InlineKeyboardMarkup | None, reply_to: int | None) -> Message:
        """Messages of HTML chunks: the first quotes `reply_to`, the last carries `markup`."""
        sent: Message | None = None
        for i, chunk in enumerate(chunks):
            sent = await bot.send_message(
                chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                reply_markup=markup if i == len(chunks) - 1 else None,
                reply_parameters=_quote(reply_to) if i == 0 else None)
        assert sent is not None
        return sent

    def _markup(self, reply: Reply) -> InlineKeyboardMarkup | None:
        return self._keyboard(reply, self.username, self.inline)

    def _long_running(self, command: Command) -> bool:
        spec = self.core.router.get(command.name) if command.name else None
        return spec is not None and spec.long_running

    # -- who is asking -----------------------------------------------------------------------

    async def _is_admin(self, bot: Bot, chat: Chat, user_id: int, message: Message | None) -> bool:
        """Private chats: the user is the admin. Groups: a chat administrator or the creator
        (an anonymous admin posts as the group itself)."""
        if chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat is not None \
                and message.sender_chat.id == chat.id:
            return True
        cached = self._admins.get(chat.id)
        if cached is None or cached[0] < time.monotonic():
            try:
                members = await bot.get_chat_administrators(chat.id)
            except TelegramError as exc:
                log.warning("telegram: could not list the admins of chat %s: %s", chat.id, exc)
                return False
            admins = frozenset(m.user.id for m in members if m.status in (
                ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER))
            cached = (time.monotonic() + ADMIN_TTL, admins)
            self._admins[chat.id] = cached
        return user_id in cached[1]

    async def _lang(self, command: Command) -> Lang:
        try:
            return await self.core.lang_for(command)
        except Exception:
            log.exception("telegram: could not read the language of %s", command.user.key)
            return self.core.default_lang


# PTB's name for its polling task (telegram/ext/_updater.py); watched, never touched.
POLLING_TASK = "Updater:start_polling:polling_task"


def _poller_tasks() -> set[asyncio.Task]:
    return {t for t in asyncio.all_tasks() if t.get_name() == POLLING_TASK and not t.done()}


def poll_fits(poll: QuizPoll) -> bool:
    """Whether Telegram takes this quiz poll (PollLimit; lengths in Telegram's UTF-16 units)."""
    return (
        PollLimit.MIN_QUESTION_LENGTH <= utf16_len(poll.question) <= PollLimit.MAX_QUESTION_LENGTH
        and max(2, PollLimit.MIN_OPTION_NUMBER) <= len(poll.options) <= PollLimit.MAX_OPTION_NUMBER
        and all(PollLimit.MIN_OPTION_LENGTH <= utf16_len(o) <= PollLimit.MAX_OPTION_LENGTH
                for o in poll.options)
        and 0 <= poll.correct_index < len(poll.options)
        and utf16_len(poll.explanation) <= PollLimit.MAX_EXPLANATION_LENGTH
        and poll.explanation.count("\n") <= PollLimit.MAX_EXPLANATION_LINE_FEEDS
    )


def _quote(message_id: int | None) -> ReplyParameters | None:
    """Quote the user's command (groups), and still send when it was deleted meanwhile."""
    return (ReplyParameters(message_id, allow_sending_without_reply=True)
            if message_id is not None else None)


def _chat_ref(chat: Chat) -> ChatRef:
    kind = ChatKind.PRIVATE if chat.type == ChatType.PRIVATE else ChatKind.GROUP
    return ChatRef("telegram", str(chat.id), kind)


def _user_ref(user: User) -> UserRef:
    return UserRef("telegram", str(user.id), user.full_name)
