"""What a form starts from (the starter, or after a ❌ the last attempt) and what a message
command offers to choose (every challenge, the last opened by default)."""

from bot.core.app import Core
from bot.core.types import Command
from tests.conftest import ALICE, cmd, content_challenges


def submit(args: str = "") -> Command:
    return Command("submit", args, cmd("/submit").chat, ALICE)


async def record(storage, check: str | None, code: str) -> None:
    await storage.record_submission(user_key=ALICE.key, user_name="Alice", chat_key="test:dm-1",
                                    challenge_id="fix-blocking", code=code, check=check,
                                    now="2026-11-25T06:00:00+00:00", day="2026-11-25",
                                    yesterday="2026-11-24")


async def test_the_form_starts_from_the_starter_then_the_last_failed_attempt(core: Core, storage):
    """The starter first; after a ❌ the code that failed; after a ✅ the starter again."""
    starter = content_challenges().by_id["fix-blocking"].starter
    assert await core.prefill(submit("fix-blocking")) == starter
    await record(storage, "main-slow", "my try")
    assert await core.prefill(submit("fix-blocking")) == "my try"
    await record(storage, None, "my fix")
    assert await core.prefill(submit("fix-blocking")) == starter


async def test_without_an_id_the_form_follows_the_last_opened(core: Core):
    """No id: the last opened challenge's starter; nothing opened: an empty form."""
    assert await core.prefill(submit()) is None
    await core.handle(cmd("/challenge missing-await"))
    assert await core.prefill(submit()) == content_challenges().by_id["missing-await"].starter
    assert await core.prefill(Command("term", "", submit().chat, ALICE)) is None  # no form there


async def test_the_choices_are_every_challenge_with_the_last_opened_first_chosen(core: Core):
    """Every challenge in path order (at most 25), the last opened one chosen by default."""
    choices = await core.choices(submit())
    assert choices is not None and choices.option == "id" and choices.default is None
    assert [v for v, _ in choices.values] == [c.id for c in content_challenges()][:25]
    await core.handle(cmd("/challenge starvation"))
    choices = await core.choices(submit())
    assert choices is not None and choices.default == "starvation"
    assert all(len(label) <= 100 for _, label in choices.values)
