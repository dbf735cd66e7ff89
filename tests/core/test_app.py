"""The core's guards: unknown commands, huge input, admin-only commands, our own errors."""

import logging

from bot.core.app import MAX_ARGS_CHARS, Core
from bot.core.router import Access, CommandSpec, Text
from bot.core.types import ChatRef, Command, Reply
from tests.conftest import ALICE, DM, GROUP, cmd


async def test_unknown_command_gets_a_friendly_hint(core: Core):
    """An unknown command points to /help and is private."""
    reply = await core.handle(cmd("/frobnicate"))
    assert "/help" in reply.plain() and reply.private


async def test_a_mistyped_command_offers_the_likely_one_with_the_same_arguments(core: Core):
    """/trem await offers a button for /term await; nothing typed is lost."""
    reply = await core.handle(cmd("/trem await"))
    assert reply.private and "/term" in reply.plain()
    [[button]] = reply.buttons
    assert button.command_line == "/term await" and button.label == "/term await"
    again = await core.handle(cmd(button.command_line))
    assert again.title.startswith("await")


async def test_a_mistyped_command_with_code_says_how_to_send_it_again(core: Core):
    """Multi-line code does not fit a button: the reply names the command to start it with."""
    reply = await core.handle(cmd("/rnu print(1)\nprint(2)"))
    assert not reply.buttons and reply.plain().endswith("Wahi message /run se shuru karke phir bhejo.")


async def test_empty_and_plain_text_get_hints(core: Core):
    """Empty input and text without a command get a hint, not silence."""
    empty = await core.handle_text("   ", DM, ALICE)
    chat = await core.handle_text("hello bot", DM, ALICE)
    assert "/term await" in empty.plain() and "/help" in chat.plain()


async def test_too_long_arguments_are_refused_politely(core: Core):
    """Arguments over the limit get a reply that says the size and the limit."""
    reply = await core.handle(cmd("/term " + "x" * (MAX_ARGS_CHARS + 1)))
    assert str(MAX_ARGS_CHARS) in reply.plain()


async def test_handler_error_becomes_an_apology_and_a_log_line(core: Core, caplog):
    """Our own bug is logged with context; the user sees an apology, not a traceback."""
    async def broken(ctx):
        raise RuntimeError("boom")

    core.router.add(CommandSpec("broken", Text("x", "x"), broken))
    with caplog.at_level(logging.ERROR):
        reply = await core.handle(cmd("/broken now"))
    assert "Oops" in reply.plain() and "Traceback" not in reply.plain()
    assert any("/broken failed" in r.getMessage() for r in caplog.records)


async def test_failing_form_hooks_read_as_nothing_and_are_logged(core: Core, caplog):
    """A prefill or choices hook that raises gives None (the form opens anyway) and a log line."""
    async def ok(ctx):
        return Reply.text("done")

    async def broken(ctx):
        raise RuntimeError("boom")

    core.router.add(CommandSpec("form", Text("x", "x"), ok, prefill=broken, choose=broken))
    with caplog.at_level(logging.ERROR):
        assert await core.prefill(cmd("/form")) is None
        assert await core.choices(cmd("/form")) is None
    logged = [r.getMessage() for r in caplog.records]
    assert any("prefill of /form failed" in m for m in logged)
    assert any("choices of /form failed" in m for m in logged)


async def test_commands_without_form_hooks_have_nothing_to_ask(core: Core):
    """No hook (or no such command) reads as None, without a log line."""
    assert await core.prefill(cmd("/frobnicate")) is None
    assert await core.choices(cmd("/term")) is None


async def test_streaming_handler_error_still_ends_with_a_final_reply(core: Core):
    """A stream that showed progress and then failed ends with an apology."""
    async def half(ctx):
        yield Reply.text("working…", final=False)
        raise RuntimeError("boom")

    core.router.add(CommandSpec("half", Text("x", "x"), half))
    replies = [r async for r in core.stream(cmd("/half"))]
    assert [r.final for r in replies] == [False, True]
    assert "Oops" in replies[-1].plain()


async def test_admin_only_command_refuses_non_admins_in_groups(core: Core):
    """In a group, only admins pass; in a private chat the user is the admin."""
    async def ok(ctx):
        return Reply.text("done")

    core.router.add(CommandSpec("setting", Text("x", "x"), ok, access=Access.CHAT_ADMIN))
    assert (await core.handle(cmd("/setting", chat=GROUP))).plain() != "done"
    assert (await core.handle(cmd("/setting", chat=GROUP, is_admin=True))).plain() == "done"
    assert (await core.handle(cmd("/setting", chat=DM))).plain() == "done"


async def test_deliver_goes_through_the_registered_adapter(core: Core):
    """Messages the bot starts itself go through the platform's one deliver port."""
    got = []

    class Sink:
        async def deliver(self, chat, reply):
            got.append((chat, reply))

    core.register_deliverer("test", Sink())
    await core.deliver(ChatRef("test", "c1"), Reply.text("hi"))
    assert got[0][0].id == "c1"


async def test_locale_never_overrides_hinglish(core: Core):
    """A client locale of `en` alone does not switch the bot to English."""
    from dataclasses import replace

    command = replace(cmd("/term await"), locale="en-US")
    assert await core.lang_for(command) == "hi"


async def test_reply_times_are_kept_under_the_canonical_command_name(core: Core):
    """An alias (/t) times into its command's histogram; an unknown name and plain text each
    into one shared histogram, so no input can grow the metrics."""
    assert core.reply_times(cmd("/t await")) is core.reply_times(cmd("/term await"))
    assert core.reply_times(cmd("/nope")) is core.reply_times(cmd("/other"))
    core.reply_times(cmd("/t await")).observe(0.002)
    core.reply_times(cmd("/nope")).observe(0.001)
    core.reply_times(Command("", "", DM, ALICE)).observe(0.001)
    assert [name for name, _ in core.runtime.replies.items()] == ["term", "text", "unknown"]
