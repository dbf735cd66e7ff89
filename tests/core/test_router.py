"""Command specs: usage lines, stable descriptions, registration rules."""

import pytest

from bot.core.router import (
    Access,
    CommandSpec,
    OptionSpec,
    OptionType,
    Router,
    SubcommandSpec,
    Text,
)
from bot.core.types import Reply


async def _ok(ctx):
    return Reply.text("ok")


def test_usage_shows_required_and_optional_options():
    """`<x>` is required, `[y]` optional."""
    spec = CommandSpec("quiz", Text("q", "q"), _ok, options=(
        OptionSpec("term", Text("t", "t"), required=True),
        OptionSpec("count", Text("c", "c"), type=OptionType.INTEGER)))
    assert spec.usage() == "/quiz <term> [count]"


def test_usage_lists_subcommands():
    """A command with subcommands shows each form; the default one without its name."""
    spec = CommandSpec("daily", Text("d", "d"), _ok, subcommands=(
        SubcommandSpec("set", Text("s", "s")), SubcommandSpec("off", Text("o", "o"))))
    assert spec.usage() == "/daily set · /daily off"
    term = OptionSpec("term", Text("t", "t"))
    quiz = CommandSpec("quiz", Text("q", "q"), _ok, subcommands=(
        SubcommandSpec("ask", Text("a", "a"), (term,), default=True),
        SubcommandSpec("round", Text("r", "r"), (OptionSpec("n", Text("n", "n")), term))))
    assert quiz.usage() == "/quiz [term] · /quiz round [n] [term]"


def test_a_typed_subcommand_is_found_else_the_default_takes_the_words():
    """`/quiz round 5` names a subcommand; `/quiz await` is the default one's argument."""
    quiz = CommandSpec("quiz", Text("q", "q"), _ok, subcommands=(
        SubcommandSpec("ask", Text("a", "a"), default=True), SubcommandSpec("round", Text("r", "r"))))
    assert [(s.name if s else None, rest) for s, rest in (
        quiz.subcommand("ROUND 5 await"), quiz.subcommand(" await "), quiz.subcommand(""))] == [
        ("round", "5 await"), ("ask", "await"), ("ask", "")]
    daily = CommandSpec("daily", Text("d", "d"), _ok, subcommands=(SubcommandSpec("set", Text("s", "s")),))
    assert daily.subcommand("status") == (None, "status")


def test_describe_changes_when_what_platforms_see_changes():
    """The description (hashed to decide command sync) follows help, options and types."""
    a = CommandSpec("x", Text("a", "a"), _ok, options=(OptionSpec("n", Text("n", "n")),))
    b = CommandSpec("x", Text("a", "a"), _ok,
                    options=(OptionSpec("n", Text("n", "n"), type=OptionType.INTEGER),))
    assert a.describe() == CommandSpec("x", Text("a", "a"), _ok,
                                       options=(OptionSpec("n", Text("n", "n")),)).describe()
    assert a.describe() != b.describe()


def test_menu_help_tells_admins_all_and_members_what_they_can_use():
    """Admins read `help`; members `member_help` where set, nothing for an admin-only command."""
    daily = CommandSpec("daily", Text("all", "all"), _ok, member_help=Text("see", "see"))
    setup = CommandSpec("setup", Text("s", "s"), _ok, access=Access.CHAT_ADMIN)
    term = CommandSpec("term", Text("t", "t"), _ok)
    assert [spec.menu_help(admin=True) for spec in (daily, setup, term)] == [
        Text("all", "all"), Text("s", "s"), Text("t", "t")]
    assert [spec.menu_help(admin=False) for spec in (daily, setup, term)] == [
        Text("see", "see"), None, Text("t", "t")]


def test_a_name_cannot_be_registered_twice():
    """Two specs (or a spec and an alias) with one name is a programming error."""
    router = Router()
    router.add(CommandSpec("term", Text("t", "t"), _ok), "t")
    with pytest.raises(ValueError):
        router.add(CommandSpec("t", Text("t", "t"), _ok))


def test_aliases_resolve_to_their_spec():
    """`/terms` finds the /term spec."""
    router = Router()
    spec = CommandSpec("term", Text("t", "t"), _ok)
    router.add(spec, "terms")
    assert router.get("TERMS") is spec and router.get("nope") is None


def test_a_plain_string_choice_is_a_choice_shown_as_its_value() -> None:
    """Choices may be plain strings or labelled in both voices; both end as `Choice`s."""
    from bot.core.router import Choice

    option = OptionSpec("x", Text("x", "x"), choices=("a", Choice("b", Text("Bee", "B"))))
    assert [(c.value, c.shown("hi"), c.shown("en")) for c in option.choices] == [
        ("a", "a", "a"), ("b", "Bee", "B")]
