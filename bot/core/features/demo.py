"""/demo: every example of the curriculum, run live in the sandbox, with what its card claims."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core.features._running import execute
from bot.core.features._shared import echo
from bot.core.router import CommandSpec, Context, OptionSpec, Text
from bot.core.text import LABEL_MAX, cut_line
from bot.core.types import Button, CodeBlock, Paragraph, Reply, Span, Style

if TYPE_CHECKING:
    from bot.core.app import Core
    from bot.core.demos import Demo


def demo_list(ctx: Context) -> Reply:
    demos = ctx.services.demos
    blocks = [Paragraph((Span(d.meta.title.get(ctx.lang), Style.BOLD), Span(" — "),
                         Span(f"/demo {d.id}", Style.CODE)), bullet=True) for d in demos.values()]
    blocks.append(Paragraph.plain(ctx.t("demo_list_hint")))
    ids = list(demos)
    rows = tuple(tuple(Button(f"▶ {i}", "demo", i) for i in ids[s:s + 2]) for s in range(0, len(ids), 2))
    return Reply(blocks=tuple(blocks), title=ctx.t("demo_list_title"), buttons=rows)


def find(demos: Mapping[str, Demo], query: str) -> Demo | None:
    key = query.strip().lower().replace("_", "-").replace(" ", "-")
    if key in demos:
        return demos[key]
    starts = [d for i, d in demos.items() if i.startswith(key)]
    return starts[0] if len(starts) == 1 else None


# rapidfuzz ratio (0-100) for a misspelt demo id: "gathr" -> gather scores 91, unrelated ids
# stay below.
DEMO_FUZZY_MIN = 75


def suggest(ctx: Context, query: str) -> list[Demo]:
    """Demos an unknown `/demo <query>` likely meant: a term's own demos ("/demo await"), then
    ids close to what was typed ("gathr")."""
    demos = ctx.services.demos
    card = ctx.core.library.find(query).card
    found = [demos[d] for d in card.meta.demos if d in demos] if card else []
    key = query.strip().lower().replace("_", "-").replace(" ", "-")
    for demo_id, score, _ in process.extract(key, list(demos), scorer=fuzz.ratio, limit=3):
        if score >= DEMO_FUZZY_MIN and demos[demo_id] not in found:
            found.append(demos[demo_id])
    return found[:3]


def _card_buttons(ctx: Context, demo: Demo) -> list[Button]:
    lib = ctx.core.library
    return [Button(cut_line(lib.by_id[c].title(ctx.lang), LABEL_MAX), "term", c) for c in demo.meta.cards[:2]
            if c in lib.by_id]


async def demo(ctx: Context) -> AsyncIterator[Reply]:
    query = (ctx.command.options.get("demo") or ctx.command.args).strip()
    if not query:
        yield demo_list(ctx)
        return
    name, _, rest = query.partition(" ")
    found = find(ctx.services.demos, name)
    if found is None:
        asked = name if rest.strip().lower() == "code" else query
        guesses = suggest(ctx, asked)
        if guesses:
            blocks = [Paragraph.plain(ctx.t("demo_guess", query=echo(asked)))]
            blocks += [Paragraph((Span(d.meta.title.get(ctx.lang), Style.BOLD), Span(" — "),
                                  Span(f"/demo {d.id}", Style.CODE)), bullet=True) for d in guesses]
            yield Reply(blocks=(*blocks, Paragraph.plain(ctx.t("demo_all"))),
                        buttons=(tuple(Button(f"▶ {d.id}", "demo", d.id) for d in guesses),
                                 (Button(ctx.t("btn_demo_list"), "demo"),)), private=True)
            return
        yield Reply(blocks=(Paragraph.plain(ctx.t("demo_unknown", query=echo(asked))),),
                    buttons=demo_list(ctx).buttons, private=True)
        return
    title = f"▶ {found.meta.title.get(ctx.lang)}"
    claim = Paragraph((Span(ctx.t("demo_claims") + ": ", Style.BOLD),
                       Span(found.meta.says.get(ctx.lang))))
    if rest.strip().lower() == "code":
        yield Reply(blocks=(claim, CodeBlock(found.code.rstrip(), "python")), title=title,
                    buttons=((Button(ctx.t("btn_run_demo"), "demo", found.id),
                              *_card_buttons(ctx, found)),))
        return
    buttons = [Button(ctx.t("btn_run_again"), "demo", found.id),
               Button(ctx.t("demo_code"), "demo", f"{found.id} code")]
    # A demo's tasks do the same every run: its picture is drawn once per voice.
    async for reply in execute(ctx, found.code, title=title, wall_s=found.meta.wall_s,
                               before=(claim,), buttons=buttons, picture_key=("demo", found.id)):
        yield reply


def register(core: Core) -> None:
    core.router.add(CommandSpec(
        name="demo",
        help=Text(hi="Curriculum ke examples live chalao", en="Run the curriculum's examples live"),
        handler=demo,
        options=(OptionSpec("demo", Text(hi="demo ka naam (khali = list)",
                                         en="a demo's id (empty = list)"), autocomplete="demos"),),
        long_running=True,
    ), "demos")
