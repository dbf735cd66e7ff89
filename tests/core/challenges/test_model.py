"""Challenges as content: the loader, lookup by id and term, and coverage of the curriculum and
level 2."""

import pytest

from bot.core.challenges import GENERIC, Challenges, UnknownChallenge
from bot.core.content import Library
from bot.core.curriculum import load as load_curriculum
from tests.conftest import CONTENT

REQUIRED = ("fix-blocking", "missing-await", "await-outside", "starvation", "make-concurrent")


@pytest.fixture(scope="module")
def challenges() -> Challenges:
    return Challenges.from_dir(CONTENT)


def test_every_folder_loads(challenges):
    """Each folder under content/challenges is a valid challenge (none silently left out)."""
    folders = [p for p in (CONTENT / "challenges").iterdir() if p.is_dir()]
    assert len(challenges) == len(folders) >= 15


def test_the_five_required_challenges_exist_with_their_terms(challenges):
    """The issue's five challenges, with the terms it names."""
    terms = {c.id: c.term for c in challenges}
    assert {k: terms.get(k) for k in REQUIRED} == {
        "fix-blocking": "blocking", "missing-await": "await", "await-outside": "await-outside-function",
        "starvation": "starvation", "make-concurrent": "concurrency"}


def test_every_curriculum_term_has_a_challenge(challenges):
    """At least one challenge per term of the curriculum."""
    entries = load_curriculum(CONTENT / "curriculum" / "async-terms-revision.txt")
    terms = {e.id for e in entries} - {"summary"}
    assert terms <= {c.term for c in challenges}


def test_several_kinds(challenges):
    """The curriculum's challenges are of the eight kinds the issue lists; level 2 adds its own."""
    entries = load_curriculum(CONTENT / "curriculum" / "async-terms-revision.txt")
    sheet = {e.id for e in entries}
    assert {c.meta.kind for c in challenges if c.term in sheet} == {
        "fix-blocking", "missing-await", "move-await", "start-loop", "make-concurrent",
        "stop-starving", "cpu-tool", "predict"}
    assert len({c.meta.kind for c in challenges if c.term not in sheet}) == 9


def test_every_level_two_card_has_a_challenge_after_the_sheet_s(challenges):
    """Each card beyond the revision sheet has a challenge, ordered after every sheet challenge."""
    beyond = {card.id for card in Library.from_dir(CONTENT).beyond}
    assert len(beyond) == 9 and beyond <= {c.term for c in challenges}
    orders = [(c.term in beyond, c.meta.order) for c in challenges]
    assert orders == sorted(orders)


def test_starters_are_the_issue_s_programs(challenges):
    """The required starters are the issue's code (e.g. fix-blocking's time.sleep(1))."""
    fix = challenges.get("fix-blocking").starter
    assert "time.sleep(1)  # a slow network call" in fix and "range(3)" in fix
    assert challenges.get("await-outside").starter.rstrip().endswith('await greet("duniya")')
    assert "crunch(10_000_000)" in challenges.get("starvation").starter


def test_get_is_case_insensitive_and_suggests_near_ids(challenges):
    """An exact id (any case) resolves; a typo raises UnknownChallenge with suggestions."""
    assert challenges.get(" Fix-Blocking ").id == "fix-blocking"
    with pytest.raises(UnknownChallenge) as caught:
        challenges.get("fix-bloking")
    assert caught.value.suggestions[0] == "fix-blocking"


def test_path_order_and_for_term(challenges):
    """Challenges come in their order; for_term gives a term's challenges."""
    orders = [c.meta.order for c in challenges]
    assert orders == sorted(orders)
    assert [c.id for c in challenges.for_term("blocking")] == ["fix-blocking"]


def test_every_check_message_exists_in_both_voices(challenges):
    """Every check a challenge names has words in hi and en (its own or the harness's)."""
    for c in challenges:
        for check in (c.meta.starter_fails, *c.meta.wrong.values()):
            text = c.text(check)
            assert text is not None and text.hi and text.en, (c.id, check)
    assert all(t.hi != t.en for t in GENERIC.values())


def test_after_gives_the_next_in_path_order(challenges):
    """After a challenge comes the next one by order; after the last, nothing."""
    ordered = list(challenges)
    assert challenges.after(ordered[0].id) is ordered[1]
    assert challenges.after(ordered[-1].id) is None
    assert challenges.after("no-such-id") is None
