"""Bad input never produces a traceback: whatever is typed, the answer is a normal reply."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.types import Reply
from tests.conftest import ALICE, DM, GROUP

COMMANDS = ["/term ", "/learn ", "/summary ", "/help ", "/lang ", "/start ", "/", "", "/nope "]
NASTY = st.one_of(
    st.text(max_size=200),
    # 10,000+ characters: a drawn piece repeated (hypothesis draws at most a few KB at once).
    st.text(min_size=1, max_size=50).map(lambda piece: piece * (10_001 // len(piece) + 1)),
    st.sampled_from(["<b>x</b>", "**bold** `code` ```", "\x00\x1b[31m\u202e", "@everyone",
                     "<@123> <#1>", "\n\n\t", "🔒" * 50, "term_", "en chat me await", "' OR 1=1 --"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from(COMMANDS), body=NASTY, group=st.booleans(), admin=st.booleans())
async def test_any_input_gets_a_friendly_reply(core, prefix, body, group, admin):
    """Empty, huge, unicode, control-character and markup input all get normal replies."""
    text = prefix + body
    replies = [r async for r in core.stream_text(text, GROUP if group else DM, ALICE,
                                                 is_admin=admin)]
    assert replies and all(isinstance(r, Reply) for r in replies)
    final = replies[-1]
    assert final.final and final.plain().strip()
    assert "Traceback" not in final.plain() and "Oops" not in final.plain()
