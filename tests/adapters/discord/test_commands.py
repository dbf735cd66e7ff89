"""Slash command JSON generated from the core's specs, its hash, and code from a message."""

from __future__ import annotations

from bot.adapters.discord._commands import code_of_message, command_payloads, payload_hash
from bot.core.app import Core


def test_every_visible_spec_becomes_a_slash_command(core: Core) -> None:
    """Each visible spec is a chat-input command with its English help as description."""
    payloads = {p["name"]: p for p in command_payloads(core.router.visible())}
    term = payloads["term"]
    assert term["type"] == 1 and term["description"] == core.router.get("term").help.en
    assert term["options"][0] == {"type": 3, "name": "term", "description": "a term, e.g. await",
                                  "required": False, "autocomplete": True}
    assert payloads["lang"]["options"][0]["choices"] == [{"name": "hi", "value": "hi"},
                                                         {"name": "en", "value": "en"}]


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
