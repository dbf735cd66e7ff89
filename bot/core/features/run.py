"""/run: a snippet in the sandbox; the reply says how it ended, shows its (neutralised) output,
the task timeline of async code, and explains classic asyncio errors. Its "edit and run again"
button (/edit) hands the code back."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.clock import iso
from bot.core.features._running import execute
from bot.core.features._shared import fenced_code
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import Button, CodeBlock, CodeForm, Paragraph, Reply

if TYPE_CHECKING:
    from bot.core.app import Core

KEEP_DAYS = 7  # how long a run's code stays for "edit and run again"
SNIPPET_ID_BYTES = 9  # 12 url-safe characters: unguessable, and short in a button's payload
def extract_code(text: str) -> str:
    """The code of `/run <code>`: a fenced block, else the text (inline backticks unwrapped)."""
    return fenced_code(text, unwrap_inline=True)


async def run(ctx: Context) -> AsyncIterator[Reply]:
    code = extract_code(ctx.command.options.get("code") or ctx.command.args)
    if not code.strip():
        yield Reply(blocks=(Paragraph.plain(ctx.t("run_empty")),
                            CodeBlock("/run ```py\nimport asyncio\n\nasync def main():\n"
                                      "    await asyncio.sleep(1)\n    print('done')\n\n"
                                      "asyncio.run(main())\n```")), private=True)
        return
    async for reply in execute(ctx, code, title=ctx.t("run_title")):
        if reply.final and not reply.private:  # the run's result (refusals are private)
            edit = Button(ctx.t("btn_edit_run"), "edit", await keep(ctx, code))
            reply = replace(reply, buttons=((edit,), *reply.buttons))
        yield reply


async def keep(ctx: Context, code: str) -> str:
    """Keep the code for "edit and run again" (KEEP_DAYS); the id its button carries."""
    now = ctx.services.clock.now()
    snippet_id = secrets.token_urlsafe(SNIPPET_ID_BYTES)
    await ctx.services.snippets.snippet_add(
        snippet_id=snippet_id, user_key=ctx.command.user.key, code=code, now=iso(now),
        expire_before=iso(now - timedelta(days=KEEP_DAYS)))
    return snippet_id


async def edit(ctx: Context) -> Reply:
    """`/edit <id>` (the button under a run): the code back, to change and run again. A
    platform with forms opens one prefilled with it; elsewhere it comes ready to copy."""
    snippet_id = ctx.command.args.strip()
    if not snippet_id:  # typed by hand: say what it is for, not that some code expired
        return Reply.text(ctx.t("edit_usage"), private=True)
    now = ctx.services.clock.now()
    snippet = await ctx.services.snippets.snippet(
        snippet_id, not_before=iso(now - timedelta(days=KEEP_DAYS)))
    if snippet is None:
        return Reply.text(ctx.t("edit_gone", days=KEEP_DAYS), private=True)
    return Reply(blocks=(Paragraph.plain(ctx.t("edit_copy")), CodeBlock(snippet.code, "python")),
                 title=ctx.t("edit_title"), private=True,
                 form=CodeForm("run", "code", snippet.code))


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="run",
        help=Text(hi="Python code sandbox mein chalao (sirf standard library, network nahi)",
                  en="Run Python code in a sandbox (standard library only, no network)"),
        handler=run,
        options=(OptionSpec("code", Text(hi="Python code (multi-line chalega)",
                                         en="Python code (multi-line is fine)"),
                            required=True, multiline=True),),
        long_running=True,
    ), "py", "python")
    core.router.add(CommandSpec(
        name="edit",
        help=Text(hi="/run ka code wapas, badal ke phir chalane ke liye",
                  en="A /run's code back, to change and run again"),
        handler=edit,
        private=True,
        hidden=True,  # its id comes from the button under a run
    ))
