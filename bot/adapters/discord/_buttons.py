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

BUTTON_PREFIX = "ag:"
MODAL_PREFIX = "agm:"
BUTTON_TEMPLATE = re.compile(r"ag:(?P<payload>[^\n]{1,97})")
MODAL_TEMPLATE = re.compile(r"agm:(?P<command>[a-z0-9_-]{1,32}):(?P<option>[a-z0-9_-]{1,32})")
CODE_MAX = 4000  # Discord's limit for a text input


class ClickHandler(Protocol):
    """What a click is handed to (the adapter, as `client.adapter`): the buttons need not
    import the adapter that imports them."""

    async def on_button(self, interaction: discord.Interaction, payload: str) -> None: ...


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

    def __init__(self, command: str, option: str, *, title: str, label: str,
                 default: str | None = None) -> None:
        super().__init__(title=title[:45], timeout=900, custom_id=f"{MODAL_PREFIX}{command}:{option}")
        self.add_item(discord.ui.TextInput(
            label=label[:45], style=discord.TextStyle.paragraph, custom_id=option,
            max_length=CODE_MAX, required=True, default=default,
        ))
