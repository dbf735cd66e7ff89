"""The Reply -> Telegram HTML renderer: escaping, splitting, keyboards, alerts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.adapters.telegram._render import (
    MAX_ALERT,
    MAX_MESSAGE,
    alert_text,
    cut_alert,
    keyboard,
    render_chunks,
    utf16_len,
)
from bot.core.app import Core
from bot.core.features.term import card_reply
from bot.core.types import Button, CodeBlock, Heading, Paragraph, Reply, Share, Span, Style

ALLOWED_TAGS = {"b", "i", "code", "pre", "a"}


class _Checker(HTMLParser):
    """Parses one message as Telegram would: only its tags, properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if "pre" in self.stack:
            self.code.append(data)


def check(message: str) -> _Checker:
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    return checker


def test_user_text_is_escaped_in_every_style() -> None:
    """Markup in any span, heading, title or code is shown as text, never parsed."""
    evil = '<b>x</b> & <a href="javascript:alert(1)">y</a>'
    reply = Reply(title=evil, blocks=(
        Heading(evil),
        Paragraph(tuple(Span(evil, style) for style in (Style.PLAIN, Style.BOLD, Style.ITALIC,
                                                         Style.CODE))),
        CodeBlock(evil, "python"),
    ))
    [html] = render_chunks(reply)
    checker = check(html)
    assert "".join(checker.text).count(evil) == 7
    assert "<b>x</b>" not in html


def test_link_url_is_quoted_and_only_web_links_become_links() -> None:
    """A link's URL cannot break out of its attribute; a javascript: URL stays plain text."""
    reply = Reply(blocks=(Paragraph((
        Span("docs", Style.LINK, 'https://e.x/?a="b"&c'),
        Span(" bad", Style.LINK, "javascript:alert(1)"),
    )),))
    [html] = render_chunks(reply)
    check(html)
    assert '<a href="https://e.x/?a=&quot;b&quot;&amp;c">docs</a>' in html
    assert "javascript" not in html


def test_code_block_gets_language_class() -> None:
    """Code renders as <pre><code class="language-python">, the language sanitised."""
    [html] = render_chunks(Reply(blocks=(CodeBlock("x = 1", 'python"><b'),)))
    assert html == '<pre><code class="language-pythonb">x = 1</code></pre>'


def test_long_code_splits_into_closed_and_reopened_pre_blocks() -> None:
    """A code block longer than a message is cut between lines, every chunk well formed."""
    code = "\n".join(f"print({i!r}, '<&>' * 3)  # line {i}" for i in range(600))
    reply = Reply(title="Long", blocks=(Paragraph.plain("before"), CodeBlock(code, "python"),
                                       Paragraph.plain("after")),
                  buttons=((Button("Again", "term", "await"),),))
    chunks = render_chunks(reply)
    assert len(chunks) > 1
    code_seen = []
    for chunk in chunks:
        assert utf16_len(chunk) <= MAX_MESSAGE
        checker = check(chunk)
        code_seen.append("".join(checker.code))
    assert "\n".join(part.rstrip("\n") for part in code_seen if part) == code


def test_a_single_huge_line_is_cut_without_breaking_escapes() -> None:
    """One 10,000-character line of `&` splits into messages that each parse cleanly."""
    reply = Reply(blocks=(Paragraph.plain("&" * 10_000),))
    chunks = render_chunks(reply)
    assert all(utf16_len(c) <= MAX_MESSAGE for c in chunks)
    assert "".join("".join(check(c).text) for c in chunks) == "&" * 10_000


def test_length_counts_utf16_units() -> None:
    """Emoji count twice, as Telegram counts them: no chunk exceeds the limit in UTF-16."""
    reply = Reply(blocks=tuple(Paragraph.plain("🔒" * 1000) for _ in range(5)))
    chunks = render_chunks(reply)
    assert all(utf16_len(c) <= MAX_MESSAGE for c in chunks)
    assert sum(c.count("🔒") for c in chunks) == 5000


async def test_every_card_renders_as_valid_html_in_both_voices(core: Core) -> None:
    """All real cards render into well-formed, allowed Telegram HTML that fits a message."""
    library = core.library
    for card in (*library.terms, library.summary):
        for lang in ("hi", "en"):
            for chunk in render_chunks(card_reply(core, card, lang)):
                assert utf16_len(chunk) <= MAX_MESSAGE
                check(chunk)


def test_keyboard_rows_carry_button_payloads() -> None:
    """Each button's callback data is its command line without the slash."""
    reply = Reply(buttons=((Button("A", "term", "await"), Button("B", "summary")), ()))
    markup = keyboard(reply)
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["term await", "summary"]]
    assert keyboard(Reply.text("no buttons")) is None


def test_share_and_add_to_group_rows_need_inline_mode_and_a_username() -> None:
    """The share button switches to inline mode with the card's query, only where the bot has
    inline mode; the add-to-group link needs the bot's username."""
    reply = Reply(buttons=((Button("A", "summary"),),), share=Share("Share", "await"),
                  invite="Add me")
    markup = keyboard(reply, "guru_bot", True)
    assert markup is not None
    share, invite = markup.inline_keyboard[1][0], markup.inline_keyboard[2][0]
    assert (share.text, share.switch_inline_query, share.callback_data) == ("Share", "await", None)
    assert (invite.text, invite.url) == ("Add me", "https://t.me/guru_bot?startgroup=group")
    plain = keyboard(reply, None, False)
    assert plain is not None and [[b.callback_data for b in row] for row in plain.inline_keyboard] == [
        ["summary"]]


@pytest.mark.parametrize(("reply", "expected"), [
    (Reply.text("Right! 🎉"), "Right! 🎉"),
    (Reply.text("x" * 201), None),
    (Reply(blocks=(CodeBlock("x"),)), None),
    (Reply(blocks=(Paragraph.plain("pick"),), buttons=((Button("a", "summary"),),)), None),
])
def test_alert_text_only_for_short_plain_replies(reply: Reply, expected: str | None) -> None:
    """A callback alert holds at most 200 plain characters and nothing interactive."""
    assert alert_text(reply) == expected


def test_cut_alert_keeps_the_start_and_the_note_within_the_alert_limit() -> None:
    """A long reply becomes its start, cut at a space, then the note, <= 200 UTF-16 units."""
    reply = Reply(blocks=(Paragraph.plain("✅ Right! " + "wait 🐍 " * 60),),
                  buttons=((Button("Next", "quiz"),),))
    text = cut_alert(reply, "send /start")
    assert utf16_len(text) <= MAX_ALERT
    assert text.startswith("✅ Right! wait 🐍") and text.endswith("…\n\nsend /start")
    assert text.split("…")[0].split()[-1] in ("wait", "🐍")  # never half a word


def test_cut_alert_keeps_a_short_reply_whole() -> None:
    """A short reply that only had buttons is kept whole, the note after it."""
    reply = Reply(blocks=(Paragraph.plain("✅ Right!"),), buttons=((Button("Next", "quiz"),),))
    assert cut_alert(reply, "send /start") == "✅ Right!\n\nsend /start"
