"""Reply -> Discord embeds and buttons, within Discord's limits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.discord._render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    MESSAGES_MAX,
    escape,
    fence,
    inline_code,
    plain_pages,
    render,
    view_for,
)
from bot.core.types import Button, CodeBlock, Heading, Paragraph, Reply, Span, Style


def test_plain_text_markdown_is_escaped() -> None:
    """Markdown in plain text shows literally: no bold, masked link, heading or list."""
    assert escape("*bold* [x](https://evil)") == r"\*bold\* \[x](https://evil)"
    assert escape("# not a heading\n1. not a list") == "\\# not a heading\n1\\. not a list"


def test_code_fence_cannot_be_closed_by_the_code() -> None:
    """Backticks inside code never end the fence early."""
    fenced = fence("print('```')\n```\nboom", "py")
    assert fenced.startswith("```py\n") and fenced.endswith("\n```")
    assert fenced[6:-4].count("```") == 0


def test_inline_code_with_backticks_stays_code() -> None:
    """Inline code holding a backtick uses a double-backtick span."""
    assert inline_code("a`b") == "`` a`b ``"
    assert inline_code("await x") == "`await x`"


def test_card_becomes_one_embed_with_title_and_link() -> None:
    """Title, docs url, headings and code become one embed."""
    reply = Reply(blocks=(Heading("Meaning"), Paragraph((Span("await", Style.CODE), Span(" waits"))),
                          CodeBlock("await x", "py")), title="await", url="https://docs.python.org/3/")
    [page] = render(reply)
    [embed] = page.embeds
    assert embed.title == "await" and embed.url == "https://docs.python.org/3/"
    assert embed.description == "**Meaning**\n\n`await` waits\n\n```py\nawait x\n```"


def test_long_code_is_split_into_fenced_embeds() -> None:
    """A code block longer than an embed is cut between lines, each piece fenced."""
    code = "".join(f"print({i})\n" for i in range(900))
    pages = render(Reply(blocks=(CodeBlock(code, "py"),)))
    descriptions = [e.description or "" for p in pages for e in p.embeds]
    assert len(descriptions) >= 2
    for d in descriptions:
        assert len(d) <= DESCRIPTION_MAX and d.startswith("```py\n") and d.endswith("\n```")
    shown = "".join(d[6:-4] + "\n" for d in descriptions)
    assert shown == code


def test_very_long_reply_is_cut_and_says_so() -> None:
    """Past the message budget the rest is cut, with a note saying how much."""
    pages = render(Reply(blocks=tuple(CodeBlock("x = 1\n" * 2000) for _ in range(3))), "en")
    assert len(pages) == MESSAGES_MAX
    last = pages[-1].embeds[-1].description or ""
    assert "more characters did not fit here" in last
    assert last.split("\n\n")[0].count("```") % 2 == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=3000).map(lambda t: Paragraph.plain(t)),
    st.text(max_size=5000).map(lambda t: CodeBlock(t, "py")),
), max_size=8), st.text(max_size=400))
def test_every_page_fits_discords_limits(blocks: list, title: str) -> None:
    """Whatever the reply, every embed and every message stays within Discord's limits."""
    pages = render(Reply(blocks=tuple(blocks), title=title or None))
    assert 1 <= len(pages) <= MESSAGES_MAX
    for page in pages:
        assert 1 <= len(page.embeds) <= 10
        assert sum(len(e) for e in page.embeds) <= EMBED_TOTAL_MAX
        for embed in page.embeds:
            assert len(embed.description or "") <= DESCRIPTION_MAX
            assert len(embed.title or "") <= 256


def test_buttons_rows_and_duplicates() -> None:
    """Rows keep at most 5 buttons, duplicates are dropped, custom ids are ag:<payload>."""
    row = tuple(Button(f"b{i}", "term", f"t{i}") for i in range(7))
    pages = render(Reply(blocks=(Paragraph.plain("x"),), buttons=(row, (row[0],))))
    view = pages[-1].view
    assert view is not None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [f"ag:term t{i}" for i in range(7)]
    assert max(len(r["components"]) for r in view.to_components()) == 5


def test_rows_that_overflow_discords_five_are_packed_five_a_row() -> None:
    """19 buttons two a row (10 rows, as /demo lays them out for Telegram) all show, packed
    into 4 rows of at most 5, in order; rows that fit keep their layout."""
    many = tuple(Button(f"▶ d{i}", "demo", f"d{i}") for i in range(19))
    view = view_for(Reply(buttons=tuple(many[s:s + 2] for s in range(0, 19, 2))))
    assert view is not None
    assert [item.custom_id for item in view.children] == [f"ag:demo d{i}" for i in range(19)]  # type: ignore[attr-defined]
    assert [len(r["components"]) for r in view.to_components()] == [5, 5, 5, 4]
    fits = view_for(Reply(buttons=tuple(many[s:s + 2] for s in range(0, 6, 2))))
    assert fits is not None and [len(r["components"]) for r in fits.to_components()] == [2, 2, 2]


def test_plain_fallback_fits_message_content() -> None:
    """The plain-text fallback is cut into messages of at most 2,000 characters."""
    pages = plain_pages(Reply.text("word " * 1000))
    assert pages and all(len(p) <= 2000 for p in pages)


def test_bold_keeps_spaces_outside_marks() -> None:
    """`**Related:** x`, not `**Related: **x` (which Discord shows with the asterisks)."""
    [page] = render(Reply(blocks=(Paragraph((Span("Related: ", Style.BOLD), Span("x"))),)))
    assert page.embeds[0].description == "**Related:** x"


def test_bullets_form_one_list() -> None:
    """Consecutive bullet paragraphs are one list; other paragraphs stay a blank line apart."""
    blocks = (Paragraph.plain("a", bullet=True), Paragraph.plain("b", bullet=True),
              Paragraph.plain("after"))
    [page] = render(Reply(blocks=blocks))
    assert page.embeds[0].description == "• a\n• b\n\nafter"


def test_a_time_span_is_a_discord_timestamp_and_its_text_elsewhere() -> None:
    """A time span renders as <t:…:f> (<t:…:R>); the plain fallback keeps the readable text."""
    reply = Reply(blocks=(Paragraph((Span("Next: "), Span.time("2026-11-26 09:00 IST",
                                                                "2026-11-26T03:30:00+00:00"))),))
    [page] = render(reply)
    assert page.embeds[0].description == "Next: <t:1795663800:f> (<t:1795663800:R>)"
    assert plain_pages(reply) == ["Next: 2026-11-26 09:00 IST"]


def test_hints_about_typing_a_command_are_left_out() -> None:
    """A paragraph that says how to type a command is not shown on Discord, in embeds or text."""
    reply = Reply(blocks=(Paragraph.plain("Q?"), Paragraph((Span("type /answer 1 2"),), typed=True)))
    [page] = render(reply)
    assert page.embeds[0].description == "Q?"
    assert plain_pages(reply) == ["Q?"]
