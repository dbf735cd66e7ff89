"""Slash command JSON generated from the core's specs, its hash, and code from a message."""

from __future__ import annotations

from bot.adapters.discord._commands import code_of_message, command_payloads, payload_hash
from bot.core.app import Core


def test_every_visible_spec_becomes_a_slash_command(core: Core) -> None:
    """Each visible spec is a chat-input command, described in the default voice (Hinglish)
    with English as the en-US and en-GB localisation."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible())}
    term, help_ = payloads["term"], core.router.get("term").help
    assert term["type"] == 1 and term["description"] == help_.hi
    assert term["description_localizations"] == {"en-US": help_.en, "en-GB": help_.en}
    english = {"en-US": "a term, e.g. await", "en-GB": "a term, e.g. await"}
    assert term["options"][0] == {"type": 3, "name": "term", "description": "term ka naam, jaise await",
                                  "description_localizations": english,
                                  "required": False, "autocomplete": True}
    language, scope = payloads["lang"]["options"]
    assert [c["value"] for c in language["choices"]] == ["hi", "en"]
    assert [c["name"] for c in language["choices"]] == ["Hinglish", "English"]
    assert [c["value"] for c in scope["choices"]] == ["me", "chat"]
    assert scope["choices"][0]["name_localizations"]["en-US"] == "Just me"


def test_english_default_puts_hinglish_under_hi(core: Core) -> None:
    """With English as the default voice, descriptions are English and Hinglish sits under `hi`."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible(), "en")}
    help_ = core.router.get("daily").help
    assert payloads["daily"]["description"] == help_.en
    assert payloads["daily"]["description_localizations"] == {"hi": help_.hi}
    for sub in payloads["daily"]["options"]:
        assert set(sub["description_localizations"]) == {"hi"}


def test_daily_has_subcommands_with_a_zone_autocomplete_and_a_channel(core: Core) -> None:
    """/daily set|off|status|now|track; set takes time, zone (autocompleted), a postable channel."""
    daily = {p["name"]: p for p in command_payloads(core.router.visible())}["daily"]
    subs = {o["name"]: o for o in daily["options"]}
    assert {"set", "off", "status", "now", "track"} <= set(subs)
    assert all(o["type"] == 1 for o in daily["options"])
    time, zone, channel = subs["set"]["options"]
    assert (time["name"], time["required"]) == ("time", True)
    assert (zone["name"], zone["required"], zone["autocomplete"]) == ("zone", False, True)
    assert (channel["name"], channel["type"]) == ("channel", 7)
    assert set(channel["channel_types"]) == {0, 5, 10, 11, 12}  # text, news and threads


def test_personal_commands_install_anywhere_and_posting_ones_in_servers(core: Core) -> None:
    """/term and /run may be added to a user's account (usable in any DM); /daily and /quiz,
    after which the bot posts by itself, only to servers."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible())}
    for name in ("term", "run", "Run code", "help", "lang"):
        assert payloads[name]["integration_types"] == [0, 1], name
        assert payloads[name]["contexts"] == [0, 1, 2], name
    for name in ("daily", "quiz"):
        assert payloads[name]["integration_types"] == [0] and payloads[name]["contexts"] == [0, 1]


def test_autocompleted_options(core: Core) -> None:
    """/demo and /challenge autocomplete their ids."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible())}
    assert payloads["demo"]["options"][0]["autocomplete"] is True
    assert payloads["challenge"]["options"][0]["autocomplete"] is True


def test_the_invite_asks_to_post_in_threads() -> None:
    """The invite link asks for View Channels, Send Messages (in threads too) and Embed Links."""
    import discord

    from bot.adapters.discord._commands import invite_url

    url = invite_url(123)
    perms = discord.Permissions(int(url.rsplit("permissions=", 1)[1]))
    assert perms.send_messages_in_threads and perms.send_messages and perms.embed_links
    assert "scope=bot+applications.commands" in url


def test_descriptions_fit_discord(core: Core) -> None:
    """Names and descriptions stay within Discord's 32 / 100 character limits."""
    for p in command_payloads(core.router.visible()):
        assert len(p["name"]) <= 32
        if p["type"] == 1:
            assert 1 <= len(p["description"]) <= 100
            assert all(len(o["description"]) <= 100 for o in p["options"])


def test_multiline_option_is_optional_with_context_menu(core: Core) -> None:
    """A multi-line option is optional (a modal asks for it) and adds a message command."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible())}
    assert payloads["snippet"]["options"][0]["required"] is False
    assert payloads["Snippet code"]["type"] == 3


def test_hash_is_stable_and_sensitive(core: Core) -> None:
    """The same specs hash the same; any change to what Discord sees changes the hash."""
    payloads = command_payloads(core.router.visible())
    assert payload_hash(payloads) == payload_hash(command_payloads(core.router.visible()))
    changed = [dict(payloads[0], description="changed"), *payloads[1:]]
    assert payload_hash(changed) != payload_hash(payloads)


def test_code_of_message() -> None:
    """The first fenced block wins; else inline code; else the whole text."""
    assert code_of_message("see\n```py\nprint(1)\n```\nand ```x```") == "print(1)"
    assert code_of_message("```print(2)```") == "print(2)"
    assert code_of_message("`print(3)`") == "print(3)"
    assert code_of_message("print(4)") == "print(4)"
    assert code_of_message("   ") == ""


def test_a_subcommand_invocation_is_typed_as_its_name_then_its_values(core: Core) -> None:
    """`/quiz round n:5 term:await` reaches the core as "round 5 await", values kept too."""
    from bot.adapters.discord._commands import invoked

    spec = core.router.get("quiz")
    data = {"name": "quiz", "options": [{"type": 1, "name": "round", "options": [
        {"name": "term", "type": 3, "value": "await"}, {"name": "n", "type": 4, "value": 5}]}]}
    assert invoked(spec, data) == ("round 5 await", {"term": "await", "n": "5"})
    assert invoked(spec, {"name": "quiz", "options": [{"name": "term", "type": 3, "value": "gil"}]}
                   ) == ("gil", {"term": "gil"})
