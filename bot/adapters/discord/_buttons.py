"""Buttons and modals that keep working after a restart.

A core `Button` stands for a command line; its Discord custom id is `ag:<payload>`, so a click
carries everything needed to run it. `CoreButton` is a `DynamicItem`: registered once at
startup (`client.add_dynamic_items`), it matches clicks on any message ever sent, with no view
kept in memory. Modals are answered the same stateless way, from their `agm:` custom id.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from bot.core.text import cut_line

BUTTON_PREFIX = "ag:"
MODAL_PREFIX = "agm:"
BUTTON_TEMPLATE = re.compile(r"ag:(?P<payload>[^\n]{1,97})")
# `:<args>` carries what the command already has besides the code (a challenge id).
MODAL_TEMPLATE = re.compile(
    r"agm:(?P<command>[a-z0-9_-]{1,32}):(?P<option>[a-z0-9_-]{1,32})(?::(?P<args>[^\n]{1,60}))?")
ARGS_MAX = 60
CODE_MAX = 4000  # Discord's limit for a text input
SELECT_MAX = 25  # Discord's most options in a select menu


class ClickHandler(Protocol):
    """What a click is handed to (the adapter, as `client.adapter`): the buttons need not
    import the adapter that imports them."""

    async def on_button(self, interaction: discord.Interaction, payload: str) -> None: ...

    async def on_choice(self, interaction: discord.Interaction, command: str,
                        values: dict[str, str]) -> None: ...


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    def __init__(self, payload: str, *, label: str = "", row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(label=label or payload, style=discord.ButtonStyle.secondary,
                              custom_id=BUTTON_PREFIX + payload),
            row=row,
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> CoreButton:
        return cls(match["payload"], label=getattr(item, "label", "") or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        adapter: ClickHandler = interaction.client.adapter  # type: ignore[attr-defined]
        await adapter.on_button(interaction, self.payload)


def is_ours(custom_id: str) -> bool:
    return BUTTON_TEMPLATE.fullmatch(custom_id) is not None


class CodeModal(discord.ui.Modal):
    """A paragraph field for a multi-line option (a slash option cannot hold newlines). The
    submit is answered by the adapter from the custom id (`on_interaction`), which also works
    for a modal opened before a restart."""

    def __init__(self, command: str, option: str, *, title: str, label: str, args: str = "",
                 default: str | None = None) -> None:
        custom_id = f"{MODAL_PREFIX}{command}:{option}"
        if args and len(args) <= ARGS_MAX and "\n" not in args:
            custom_id += f":{args}"
        super().__init__(title=cut_line(title, 45), timeout=900, custom_id=custom_id)
        self.add_item(discord.ui.TextInput(
            label=cut_line(label, 45), style=discord.TextStyle.paragraph, custom_id=option,
            max_length=CODE_MAX, required=True,
            default=default[:CODE_MAX] if default else None,
        ))


class ChoiceView(discord.ui.View):
    """Asks which value an option takes before a message command runs (a message command
    carries no options): a select menu, and a button for the default. The code waits here, in
    memory, for as long as the view lives."""

    def __init__(self, handler: ClickHandler, command: str, option: str,
                 values: list[tuple[str, str]], default: str | None, rest: dict[str, str], *,
                 placeholder: str, default_label: str) -> None:
        super().__init__(timeout=900)
        self.handler, self.command, self.option, self.rest = handler, command, option, rest
        select: discord.ui.Select[ChoiceView] = discord.ui.Select(
            placeholder=cut_line(placeholder, 150), min_values=1, max_values=1,
            options=[discord.SelectOption(label=cut_line(label, 100), value=value, default=value == default)
                     for value, label in values[:SELECT_MAX]])
        select.callback = self._picked  # type: ignore[method-assign]
        self.select = select
        self.add_item(select)
        if default is not None:
            button: discord.ui.Button[ChoiceView] = discord.ui.Button(
                label=cut_line(default_label, 80), style=discord.ButtonStyle.primary)
            button.callback = self._default  # type: ignore[method-assign]
            self.add_item(button)
        self.default = default

    async def _picked(self, interaction: discord.Interaction) -> None:
        await self._run(interaction, self.select.values[0])

    async def _default(self, interaction: discord.Interaction) -> None:
        assert self.default is not None
        await self._run(interaction, self.default)

    async def _run(self, interaction: discord.Interaction, value: str) -> None:
        self.stop()  # one submission per question
        await self.handler.on_choice(interaction, self.command, {**self.rest, self.option: value})
