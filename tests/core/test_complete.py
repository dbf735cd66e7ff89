"""Autocomplete sources: terms, challenges, demos and zones, from memory, at most 25."""

from __future__ import annotations

from pathlib import Path

from bot.core.complete import complete
from bot.core.demos import load_demos
from tests.conftest import rewire

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_every_source_answers_within_the_limit(core) -> None:
    """Each named source gives (value, label) pairs, at most 25, labels at most 100 chars."""
    for source in ("terms", "challenges", "demos", "zones"):
        found = complete(core, source, "", "en")
        assert len(found) <= 25 and all(len(label) <= 100 for _, label in found), source
    assert complete(core, "nothing-such", "a", "en") == []


def test_zones_show_their_offset(core) -> None:
    """A zone suggestion says its UTC offset, so neighbours are told apart."""
    assert complete(core, "zones", "kolkatta", "hi")[0] == ("Asia/Kolkata", "Asia/Kolkata (UTC+05:30)")


def test_demos_complete_by_id_and_title(core) -> None:
    """A prefix of a demo's id finds it first; a word of its title finds it too."""
    rewire(core, demos=load_demos(CONTENT))
    demos = core.services.demos
    assert demos, "the content has demos"
    first = next(iter(demos.values()))
    assert complete(core, "demos", first.id[:4], "en")[0][0].startswith(first.id[:4])
    word = first.meta.title.get("en").split()[-1]
    assert first.id in [v for v, _ in complete(core, "demos", word, "en")]


def test_terms_and_challenges(core) -> None:
    """Terms complete by prefix and typo; challenges by id or term."""
    assert complete(core, "terms", "awai", "en")[0][0] == "await"
    for challenge in core.services.challenges:
        assert challenge.id in [v for v, _ in complete(core, "challenges", challenge.id[:3], "en")]
