"""/run: a snippet in the sandbox; the reply says how it ended, shows its (neutralised) output,
the task timeline of async code, and explains classic asyncio errors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from bot.core.features._running import execute
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.types import CodeBlock, Paragraph, Reply

if TYPE_CHECKING:
    from bot.core.app import Core

# A fence opens at the start of a line (so print("```") in code is not one).
_FENCE = re.compile(r"(?:\A|\n)[ \t]*```[ \t]*([\w+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.S)


def extract_code(text: str) -> str:
    """The code of `/run <code>`: the first ```py fenced block if there is one (text around it
    is ignored), else the text itself (a lone `inline` pair of backticks is unwrapped)."""
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(2).strip("\n")
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == "`" and "\n" not in stripped:
        return stripped.strip("`")
    return text.strip("\n")


async def run(ctx: Context) -> AsyncIterator[Reply]:
    code = extract_code(ctx.command.options.get("code") or ctx.command.args)
    if not code.strip():
        yield Reply(blocks=(Paragraph.plain(ctx.t("run_empty")),
                            CodeBlock("/run ```py\nimport asyncio\n\nasync def main():\n"
                                      "    await asyncio.sleep(1)\n    print('done')\n\n"
                                      "asyncio.run(main())\n```")), private=True)
        return
    async for reply in execute(ctx, code, title=ctx.t("run_title")):
        yield reply


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
