"""Render a `Reply` as plain text for a terminal: no ANSI codes, buttons as the command lines
they stand for (so everything a button does can be typed)."""

from __future__ import annotations

import textwrap

from bot.core.types import CodeBlock, Heading, Paragraph, Reply, Style

WIDTH = 88


def render(reply: Reply, *, width: int = WIDTH) -> str:
    out: list[str] = []
    if reply.title:
        out += [f"== {reply.title} ==", ""]
    for block in reply.blocks:
        match block:
            case Heading(text=text):
                if out and out[-1] != "":
                    out.append("")
                out.append(f"[{text}]")
            case CodeBlock(code=code):
                out += ["    " + line if line else "" for line in code.splitlines() or [""]]
            case Paragraph(spans=spans, bullet=bullet):
                text = "".join(
                    f"`{s.text}`" if s.style is Style.CODE
                    else f"{s.text} ({s.url})" if s.style is Style.LINK and s.url and s.url != s.text
                    else s.text
                    for s in spans
                )
                prefix = "  • " if bullet else ""
                for i, line in enumerate(text.split("\n")):
                    wrapped = textwrap.wrap(line, width - len(prefix), break_long_words=False,
                                            replace_whitespace=False) or [""]
                    for j, piece in enumerate(wrapped):
                        lead = prefix if i == 0 and j == 0 else " " * len(prefix)
                        out.append(lead + piece)
    if reply.url:
        out += ["", f"Docs: {reply.url}"]
    buttons = [b for row in reply.buttons for b in row]
    if buttons:
        out.append("")
        label_width = min(max(len(b.label) for b in buttons), 34)
        for button in buttons:
            label = f"  [{button.label}]"
            out.append(label.ljust(max(label_width + 5, len(label) + 2)) + button.command_line)
    return "\n".join(out).rstrip() + "\n"
