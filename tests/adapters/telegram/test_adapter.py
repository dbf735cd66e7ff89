"""The real PTB Application, driven by the adapter, against the fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from telegram.constants import FloodLimit

from bot import logs
from bot.adapters.base import AdapterFatal
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram._render import MAX_MESSAGE
from bot.core.app import Core, TargetGone
from bot.core.i18n import t
from bot.core.router import CommandSpec, Context, Text
from bot.core.text import utf16_len
from bot.core.types import ChatKind, ChatRef, CodeBlock, Paragraph, Reply
from bot.settings import TelegramSettings
from tests.adapters.telegram.conftest import running, settings_for
from tests.adapters.telegram.fake_telegram import BOT_USERNAME, FakeTelegram

GROUP = -1001


def add_command(core: Core, name: str, handler, *, long_running: bool = False) -> None:
    """A test-only command on the real core's router."""
    core.router.add(CommandSpec(name=name, help=Text(hi=name, en=name), handler=handler,
                                long_running=long_running, hidden=True))


async def test_term_await_is_answered_with_the_card(fake: FakeTelegram, bot: TelegramAdapter
                                                    ) -> None:
    """`/term await` in a private chat gets the await card as HTML, with its buttons."""
    await fake.send_text("/term await")
    call = await fake.wait_for("sendMessage")
    assert call.params["chat_id"] == "42"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["text"].startswith("<b>await · 11/24</b>")
    assert '<pre><code class="language-python">await asyncio.sleep(1)</code></pre>' in call.params["text"]
    data = [b.get("callback_data") for row in call.json("reply_markup")["inline_keyboard"] for b in row]
    assert "term event-loop" in data and "lang en await" in data


async def test_command_addressed_to_this_bot_in_a_group_is_answered(
        fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/term@<our bot> await` in a group is answered in the group, quoting the command."""
    update = await fake.send_text(f"/term@{BOT_USERNAME} await", chat_id=GROUP)
    call = await fake.wait_for("sendMessage")
    assert call.params["chat_id"] == str(GROUP)
    assert "await · 11/24" in call.params["text"]
    assert call.json("reply_parameters")["message_id"] >= 1000 and update


async def test_command_for_another_bot_is_ignored(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/term@otherbot x` gets no answer at all, while the next command does."""
    await fake.send_text("/term@otherbot x", chat_id=GROUP)
    await asyncio.sleep(0.3)
    await fake.send_text("/summary", chat_id=GROUP)
    await fake.wait_for("sendMessage")
    await asyncio.sleep(0.3)
    assert len(fake.called("sendMessage")) == 1


async def test_plain_text_in_a_private_chat_gets_the_hint(fake: FakeTelegram,
                                                          bot: TelegramAdapter) -> None:
    """Non-command text in a private chat gets the core's hint."""
    await fake.send_text("hello bot")
    call = await fake.wait_for("sendMessage")
    assert call.params["text"] == t("hi", "not_a_command")


async def test_plain_text_in_a_group_is_ignored(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """Ordinary group talk is not answered."""
    await fake.send_text("hello everyone", chat_id=GROUP)
    await asyncio.sleep(0.3)
    await fake.send_text("/summary", chat_id=GROUP)
    call = await fake.wait_for("sendMessage")
    await asyncio.sleep(0.3)
    assert len(fake.called("sendMessage")) == 1 and "Summary" in call.params["text"]


async def test_deep_link_start_opens_the_card(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/start term_await` (t.me/<bot>?start=term_await) opens the await card."""
    await fake.send_text("/start term_await")
    call = await fake.wait_for("sendMessage")
    assert call.params["text"].startswith("<b>await · 11/24</b>")


async def test_a_button_runs_its_command_as_the_clicker(fake: FakeTelegram, core: Core,
                                                        bot: TelegramAdapter) -> None:
    """A click runs the button's command for the clicking user and answers the query."""
    await fake.send_text("/term await")
    card = fake.message_of(await fake.wait_for("sendMessage"))
    await fake.click("term event-loop", card, user_id=77)
    call = await fake.wait_for("sendMessage", lambda c: "Event Loop" in c.params["text"])
    answer = await fake.wait_for("answerCallbackQuery")
    assert call.params["chat_id"] == "42"
    assert "show_alert" not in answer.params
    assert "event-loop" in await core.services.prefs.seen_terms("telegram:77")


async def test_a_stale_button_gets_a_polite_answer(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """Unknown callback data is answered with a friendly note, and nothing is sent."""
    await fake.send_text("/summary")
    message = fake.message_of(await fake.wait_for("sendMessage"))
    await fake.click("quizold 17 3", message)
    answer = await fake.wait_for("answerCallbackQuery")
    assert answer.params["text"] == t("hi", "tg_stale_button")
    assert len(fake.called("sendMessage")) == 1


async def test_a_private_answer_to_a_group_button_is_an_alert(fake: FakeTelegram,
                                                              bot: TelegramAdapter) -> None:
    """A short private reply to a click in a group is shown only to the clicker (alert)."""
    await fake.send_text("/summary", chat_id=GROUP)
    message = fake.message_of(await fake.wait_for("sendMessage"))
    await fake.click("lang en me", message, user_id=9)
    answer = await fake.wait_for("answerCallbackQuery")
    assert answer.params["show_alert"] == "true"
    assert answer.params["text"] == t("en", "lang_set_user")
    assert len(fake.called("sendMessage")) == 1


async def test_a_rich_private_answer_to_a_group_button_goes_to_the_clicker(
        fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """A private reply too rich for an alert is sent to the clicker's private chat."""
    await fake.send_text("/summary", chat_id=GROUP)
    message = fake.message_of(await fake.wait_for("sendMessage"))
    await fake.click("help", message, user_id=9)
    dm = await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "9")
    answer = await fake.wait_for("answerCallbackQuery")
    assert "/term" in dm.params["text"]
    assert answer.params["text"] == t("hi", "tg_sent_private")


async def test_group_admin_sets_the_chat_language(fake: FakeTelegram, core: Core,
                                                  bot: TelegramAdapter) -> None:
    """A chat administrator's `/lang en` sets the group's default; a member's sets their own."""
    fake.admins[GROUP] = {7}
    await fake.send_text("/lang en", chat_id=GROUP, user_id=8)
    await fake.wait_for("sendMessage")
    assert await core.services.prefs.chat_lang(f"telegram:{GROUP}") is None
    assert await core.services.prefs.user_lang("telegram:8") == "en"
    await fake.send_text("/lang en", chat_id=GROUP, user_id=7)
    call = await fake.wait_for("sendMessage", lambda c: c.params["text"] == t("en", "lang_set_chat"))
    assert call.params["chat_id"] == str(GROUP)
    assert await core.services.prefs.chat_lang(f"telegram:{GROUP}") == "en"


async def test_inline_query_offers_matching_cards(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`@bot await` is answered with card articles, the best match first, as HTML."""
    await fake.inline("await")
    call = await fake.wait_for("answerInlineQuery")
    results = call.json("results")
    assert results[0]["id"] == "await"
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and content["message_text"].startswith("<b>await")
    button = results[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == f"https://t.me/{BOT_USERNAME}?start=term_await"


async def test_an_inline_card_can_be_shared_again_and_opened_in_the_bot(fake: FakeTelegram,
                                                                        bot: TelegramAdapter) -> None:
    """A card sent through inline mode lands where the bot may not be: its buttons are the deep
    link into the bot and the share button the normal card has, never a callback button."""
    await fake.send_text("/lang en")
    await fake.wait_for("sendMessage")
    await fake.inline("create-task")
    [first, *others] = (await fake.wait_for("answerInlineQuery")).json("results")
    assert first["reply_markup"]["inline_keyboard"] == [
        [{"text": t("en", "tg_open_in_bot"), "url": f"https://t.me/{BOT_USERNAME}?start=term_create_task"}],
        [{"text": t("en", "btn_share"), "switch_inline_query": "create-task"}],
    ]
    buttons = [b for r in [first, *others] for row in r["reply_markup"]["inline_keyboard"] for b in row]
    assert all("callback_data" not in b for b in buttons)
    assert sum("switch_inline_query" in b for b in buttons) == len(others) + 1


def _rows(call) -> list[list[dict]]:
    return call.json("reply_markup")["inline_keyboard"]


async def test_a_card_offers_to_share_it_into_another_chat(fake: FakeTelegram,
                                                           bot: TelegramAdapter) -> None:
    """Under a card, a button switches to inline mode with the card's id; that query then
    offers that very card first (even where its name is also a prefix of others')."""
    await fake.send_text("/term coroutine")
    share = _rows(await fake.wait_for("sendMessage"))[-1]
    assert share == [{"text": t("hi", "btn_share"), "switch_inline_query": "coroutine"}]
    await fake.inline("coroutine")
    results = (await fake.wait_for("answerInlineQuery")).json("results")
    assert results[0]["id"] == "coroutine"


async def test_no_share_button_where_inline_mode_is_off(fake: FakeTelegram, core: Core) -> None:
    """A bot without inline mode (getMe says so) offers no button that could not work."""
    fake.bot_user["supports_inline_queries"] = False
    async with running(TelegramAdapter(settings_for(fake), core)):
        await fake.send_text("/term await")
        rows = _rows(await fake.wait_for("sendMessage"))
    assert all("callback_data" in b for row in rows for b in row)


async def test_start_offers_a_link_that_adds_the_bot_to_a_group(fake: FakeTelegram,
                                                               bot: TelegramAdapter) -> None:
    """/start in a private chat ends with the startgroup deep link, in the learner's voice."""
    await fake.send_text("/start")
    link = _rows(await fake.wait_for("sendMessage"))[-1]
    assert link == [{"text": t("hi", "btn_add_to_group"),
                     "url": f"https://t.me/{BOT_USERNAME}?startgroup=group"}]


async def test_the_add_to_group_links_start_welcomes_the_group(fake: FakeTelegram,
                                                               bot: TelegramAdapter) -> None:
    """Added by the link, the bot gets `/start@bot group` in the group: it says what a group
    can do there, with a round one click away, and links nowhere else."""
    await fake.send_text(f"/start@{BOT_USERNAME} group", chat_id=GROUP)
    call = await fake.wait_for("sendMessage")
    assert call.params["chat_id"] == str(GROUP)
    assert call.params["text"] == t("hi", "start_group")
    assert "quiz round" in [b.get("callback_data") for row in _rows(call) for b in row]
    assert all("url" not in b for row in _rows(call) for b in row)


async def test_inline_query_finds_a_level_two_card_by_its_api_name(fake: FakeTelegram,
                                                                     bot: TelegramAdapter) -> None:
    """`@bot asyncio.TaskGroup` offers the level-2 card first, placed on the whole path."""
    await fake.inline("asyncio.TaskGroup")
    results = (await fake.wait_for("answerInlineQuery")).json("results")
    assert results[0]["id"] == "taskgroup"
    text = results[0]["input_message_content"]["message_text"]
    assert text.startswith("<b>TaskGroup aur ExceptionGroup · 18/24 · Level 2</b>")


async def test_retry_after_is_honoured_and_the_message_delivered(fake: FakeTelegram,
                                                                 bot: TelegramAdapter) -> None:
    """An HTTP 429 with retry_after=1 is waited out and the message still arrives."""
    fake.retry_after("sendMessage", 1)
    await fake.send_text("/term await")
    sent = await fake.wait_for("sendMessage")
    [failed] = fake.called("sendMessage:failed")
    assert sent.at - failed.at >= 1.0
    assert sent.params["text"].startswith("<b>await")


async def test_html_in_a_query_is_escaped(fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/term <b>x</b>` echoes the query as text, never as markup."""
    await fake.send_text("/term <b>x</b>")
    call = await fake.wait_for("sendMessage")
    assert "&lt;b&gt;x&lt;/b&gt;" in call.params["text"]
    assert "<b>x</b>" not in call.params["text"]


async def test_html_in_program_output_is_escaped(fake: FakeTelegram, core: Core,
                                                 bot: TelegramAdapter) -> None:
    """Code and output with markup characters arrive escaped inside <pre>."""
    async def show(ctx: Context) -> Reply:
        return Reply(blocks=(CodeBlock('print("<i>hi</i> & bye")', "python"),))

    add_command(core, "show", show)
    await fake.send_text("/show")
    call = await fake.wait_for("sendMessage")
    assert call.params["text"] == ('<pre><code class="language-python">'
                                   'print("&lt;i&gt;hi&lt;/i&gt; &amp; bye")</code></pre>')


async def test_a_long_reply_is_split_under_the_limit(fake: FakeTelegram, core: Core,
                                                     bot: TelegramAdapter) -> None:
    """A 12,000-character reply arrives as several messages, each under 4096, buttons last."""
    code = "\n".join(f"x{i} = {i}  # <tag> & more" for i in range(500))

    async def long(ctx: Context) -> Reply:
        from bot.core.types import Button

        return Reply(title="Long", blocks=(Paragraph.plain("intro"), CodeBlock(code, "python")),
                     buttons=((Button("Again", "long"),),))

    add_command(core, "long", long)
    await fake.send_text("/long")
    await fake.wait_for("sendMessage", lambda c: "reply_markup" in c.params)
    sent = fake.called("sendMessage")
    assert len(sent) >= 3
    assert all(utf16_len(c.params["text"]) <= MAX_MESSAGE for c in sent)
    assert all(c.params["text"].count("<pre>") == c.params["text"].count("</pre>") for c in sent)
    assert ["reply_markup" in c.params for c in sent] == [False] * (len(sent) - 1) + [True]


async def test_progress_is_edited_by_the_result_with_typing_shown(fake: FakeTelegram, core: Core,
                                                                  bot: TelegramAdapter) -> None:
    """A long-running command shows "typing", and its progress message becomes the result."""
    async def work(ctx: Context) -> AsyncIterator[Reply]:
        yield Reply.text("Running…", final=False)
        await asyncio.sleep(0.2)
        yield Reply.text("Done: 42")

    add_command(core, "work", work, long_running=True)
    await fake.send_text("/work")
    edit = await fake.wait_for("editMessageText")
    progress = fake.message_of(fake.called("sendMessage")[0])
    assert edit.params["text"] == "Done: 42"
    assert int(edit.params["message_id"]) == progress["message_id"]
    assert fake.called("sendChatAction")[0].params["action"] == "typing"


async def test_edit_source_replaces_the_clicked_message(fake: FakeTelegram, core: Core,
                                                        bot: TelegramAdapter) -> None:
    """A reply marked edit_source edits the message whose button was clicked."""
    async def tally(ctx: Context) -> Reply:
        return Reply(blocks=(Paragraph.plain(f"votes: {ctx.command.args}"),), edit_source=True)

    add_command(core, "tally", tally)
    await fake.send_text("/summary", chat_id=GROUP)
    message = fake.message_of(await fake.wait_for("sendMessage"))
    await fake.click("tally 3", message)
    edit = await fake.wait_for("editMessageText")
    assert int(edit.params["message_id"]) == message["message_id"]
    assert edit.params["text"] == "votes: 3"
    await fake.wait_for("answerCallbackQuery")


async def test_a_slow_command_does_not_hold_up_other_users(fake: FakeTelegram, core: Core,
                                                           bot: TelegramAdapter) -> None:
    """While one user's command waits, another user's /term is answered (concurrent updates)."""
    release = asyncio.Event()

    async def slow(ctx: Context) -> Reply:
        await release.wait()
        return Reply.text("slow done")

    add_command(core, "slow", slow, long_running=True)
    await fake.send_text("/slow", chat_id=1, user_id=1)
    await fake.wait_for("sendChatAction")
    await fake.send_text("/term await", chat_id=2, user_id=2)
    await fake.wait_for("sendMessage", lambda c: c.params["chat_id"] == "2")
    assert not release.is_set()
    release.set()
    await fake.wait_for("sendMessage", lambda c: c.params["text"] == "slow done")


async def test_deliver_sends_a_message_the_bot_starts(fake: FakeTelegram, core: Core,
                                                      bot: TelegramAdapter) -> None:
    """core.deliver to a telegram chat posts it through the adapter."""
    await core.deliver(ChatRef("telegram", str(GROUP), ChatKind.GROUP), Reply.text("Daily <quiz>"))
    call = await fake.wait_for("sendMessage")
    assert call.params["chat_id"] == str(GROUP) and call.params["text"] == "Daily &lt;quiz&gt;"


@pytest.mark.parametrize(("status", "description"), [
    (403, "Forbidden: bot was blocked by the user"),
    (403, "Forbidden: bot was kicked from the group chat"),
    (400, "Bad Request: chat not found"),
])
async def test_deliver_to_a_chat_that_is_gone_raises_target_gone(
        fake: FakeTelegram, core: Core, bot: TelegramAdapter, status: int, description: str
) -> None:
    """A blocked, kicked or vanished chat is reported as TargetGone, so daily posts stop."""
    fake.fail_once("sendMessage", status, {"ok": False, "error_code": status,
                                           "description": description})
    with pytest.raises(TargetGone):
        await core.deliver(ChatRef("telegram", str(GROUP), ChatKind.GROUP), Reply.text("Daily"))


async def test_a_rejected_token_raises_adapter_fatal_without_the_token(fake: FakeTelegram,
                                                                      core: Core) -> None:
    """getMe answering 401 stops the adapter with one clear line that omits the token."""
    settings = TelegramSettings(token="999:not-valid-secret", base_url=fake.base_url)
    with pytest.raises(AdapterFatal) as info:
        await asyncio.wait_for(TelegramAdapter(settings, core).run(), 10)
    assert "not-valid-secret" not in str(info.value)
    assert "TELEGRAM__TOKEN" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


async def test_rate_limits_default_to_telegrams() -> None:
    """The limiter's settings default to Telegram's published flood limits."""
    settings = TelegramSettings()
    assert settings.rate_overall == FloodLimit.MESSAGES_PER_SECOND
    assert settings.rate_group == FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP
    assert settings.max_retries >= 1


@pytest.fixture
def restore_logging() -> AsyncIterator[None]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("httpx").level
    yield
    root.handlers[:], level, httpx_level = saved
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(httpx_level)


async def test_no_log_line_contains_the_token(fake: FakeTelegram, core: Core, restore_logging: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """At DEBUG, a run with a command, a click and an inline query logs no token."""
    logs.configure("DEBUG", [fake.token])
    adapter = TelegramAdapter(settings_for(fake), core)
    async with running(adapter):
        await fake.send_text("/term await")
        card = fake.message_of(await fake.wait_for("sendMessage"))
        await fake.click("term coroutine", card)
        await fake.inline("loop")
        await fake.wait_for("answerCallbackQuery")
        await fake.wait_for("answerInlineQuery")
    err = capsys.readouterr().err
    assert "@async_guru_bot is polling" in err
    assert fake.token not in err


async def test_shutdown_cancels_a_stuck_command_after_the_grace(fake: FakeTelegram,
                                                                core: Core) -> None:
    """Cancelling the adapter while a command hangs ends within the grace, not never."""
    never = asyncio.Event()

    async def stuck(ctx: Context) -> Reply:
        await never.wait()
        return Reply.text("unreachable")

    add_command(core, "stuck", stuck, long_running=True)
    adapter = TelegramAdapter(settings_for(fake, shutdown_grace=0.5), core)
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), 10)
    await fake.send_text("/stuck")
    await fake.wait_for("sendChatAction")
    task.cancel()
    async with asyncio.timeout(5):
        with pytest.raises(asyncio.CancelledError):
            await task
    assert not fake.called("sendMessage")


async def test_webhook_mode_sets_the_webhook_and_serves_updates(fake: FakeTelegram,
                                                                core: Core) -> None:
    """In webhook mode the bot registers its URL and secret, answers posted updates and
    refuses updates without the secret."""
    import socket

    import aiohttp

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tg-hook"
    settings = settings_for(fake, mode="webhook", webhook_url=url, webhook_listen="127.0.0.1",
                            webhook_port=port, webhook_secret="s3cret")
    update = {"update_id": 1, "message": {
        "message_id": 5, "date": 0, "chat": {"id": 42, "type": "private"},
        "from": fake.user(), "text": "/term await",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
    async with running(TelegramAdapter(settings, core)):
        hook = fake.called("setWebhook")[0]
        assert hook.params["url"] == url and hook.params["secret_token"] == "s3cret"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update) as forged:
                assert forged.status == 403
            async with http.post(url, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as ok:
                assert ok.status == 200
        call = await fake.wait_for("sendMessage")
        assert call.params["text"].startswith("<b>await")
        assert len(fake.called("sendMessage")) == 1


async def test_a_token_revoked_while_polling_stops_the_adapter(fake: FakeTelegram,
                                                               core: Core) -> None:
    """When getUpdates starts answering 401, run() ends with AdapterFatal instead of going deaf."""
    adapter = TelegramAdapter(settings_for(fake), core)
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), 10)
    fake.token = "revoked"
    with pytest.raises(AdapterFatal) as info:
        await asyncio.wait_for(task, 10)
    assert "123:abc" not in str(info.value)


async def test_a_click_too_old_to_answer_still_runs_quietly(fake: FakeTelegram, bot: TelegramAdapter,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """When Telegram says the query is too old, the command still runs and nothing errors."""
    await fake.send_text("/term await")
    card = fake.message_of(await fake.wait_for("sendMessage"))
    fake.fail_once("answerCallbackQuery", 400, {
        "ok": False, "error_code": 400,
        "description": "Bad Request: query is too old and response timeout expired"})
    with caplog.at_level(logging.INFO):
        await fake.click("term sync", card)
        await fake.wait_for("sendMessage", lambda c: "Sync" in c.params["text"])
        await fake.wait_for("answerCallbackQuery:failed")
        await asyncio.sleep(0.2)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("could not answer a button click" in r.getMessage() for r in caplog.records)


async def test_each_update_reads_the_language_once(fake: FakeTelegram, core: Core, bot: TelegramAdapter,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A command, a button click and plain text each read the language once: the adapter hands
    what it read (for its own texts) to the core (with PostgreSQL each read is a round trip)."""
    reads: list[str] = []
    langs = core.services.prefs.langs

    async def counted(user_key: str, chat_key: str) -> tuple[str | None, str | None]:
        reads.append(user_key)
        return await langs(user_key, chat_key)

    monkeypatch.setattr(core.services.prefs, "langs", counted)
    await core.services.prefs.set_user_lang("telegram:42", "en")
    await fake.send_text("/term await")
    card = await fake.wait_for("sendMessage")
    assert card.params["text"].startswith("<b>await · 11/24</b>") and reads == ["telegram:42"]
    start = len(fake.calls)
    await fake.click("term event-loop", fake.message_of(card))
    await fake.wait_for("sendMessage", after=start)
    assert reads == ["telegram:42"] * 2
    await fake.send_text("hello")
    hint = await fake.wait_for("sendMessage", lambda c: c.params["text"] == t("en", "not_a_command"))
    assert hint and reads == ["telegram:42"] * 3


async def test_a_command_and_a_click_are_timed_to_their_first_reply(
        fake: FakeTelegram, bot: TelegramAdapter) -> None:
    """`/term` and a click on its button each add one observation to their command's reply
    histogram (what /metrics shows as asyncguru_reply_seconds)."""
    await fake.send_text("/term await")
    call = await fake.wait_for("sendMessage")
    assert bot.core.runtime.replies.histogram("term").count == 1
    start = len(fake.calls)
    await fake.click("term event-loop", fake.message_of(call))
    await fake.wait_for("sendMessage", after=start)
    assert bot.core.runtime.replies.histogram("term").count == 2
