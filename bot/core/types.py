"""Platform-neutral value objects: what adapters hand to the core and what they get back.

Adapters turn a platform event into a `Command`, await `Core.handle(command)` and render the
`Reply` (or each reply of an async iterator: progress first, then the result, rendered as an
edit). Rich fields always degrade to plain text, so a new platform works on day one.
"""

from __future__ import annotations

import enum
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

Lang = Literal["hi", "en"]
LANGS: tuple[Lang, ...] = ("hi", "en")
DEFAULT_LANG: Lang = "hi"

# A file name an attachment may have: plain, no folder, no hidden file.
FILE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
# Telegram's callback_data limit; Discord's custom_id (100) is looser, so this bounds both.
BUTTON_PAYLOAD_MAX_BYTES = 64


class ChatKind(enum.StrEnum):
    PRIVATE = "private"  # a DM / private chat: the user is the chat's only human
    GROUP = "group"  # a server channel or a Telegram group


@dataclass(frozen=True, slots=True)
class ChatRef:
    platform: str  # "console", "discord", "telegram"
    id: str
    kind: ChatKind = ChatKind.PRIVATE

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: str
    id: str
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class Command:
    """One request from a user. `args` is the raw argument text, verbatim (code keeps its
    newlines and indentation); `options` holds what the platform already parsed (slash options)."""

    name: str
    args: str
    chat: ChatRef
    user: UserRef
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    is_admin: bool = False  # Manage Server on Discord, chat administrator on Telegram
    locale: str | None = None  # the client's locale: informational, never overrides Hinglish
    # The text of the message this one replies to (Telegram), e.g. the challenge a /submit is for.
    replied_to: str | None = None
    # The args come from a button the bot sent, and the platform guarantees it (Discord checks
    # a click's custom id against the message's own components). Such args may carry a value
    # the core otherwise takes only from a platform-checked option: a channel.
    vouched: bool = False

    @classmethod
    def from_text(
        cls, text: str, chat: ChatRef, user: UserRef, *, is_admin: bool = False,
        bot_username: str | None = None,
    ) -> Command | None:
        """Parse `/name args` typed as text. Returns None when the text is not a command."""
        stripped = text.lstrip()
        if not stripped.startswith("/"):
            return None
        head, _, rest = stripped[1:].partition(" ")
        head, nl, tail = head.partition("\n")
        if nl:  # "/run\ncode": the command ends at the newline; keep the code verbatim
            rest = tail + (" " + rest if rest else "")
        name, _, mention = head.partition("@")
        if mention and bot_username and mention.lower() != bot_username.lower():
            return None  # "/term@otherbot" in a group is for another bot
        return cls(name=name.lower(), args=rest, chat=chat, user=user, is_admin=is_admin)


class Style(enum.StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    LINK = "link"
    # An instant: `text` reads it in the chat's zone; a platform that shows each viewer the
    # time in their own zone (Discord's <t:…>) renders `at` instead.
    TIME = "time"


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: Style = Style.PLAIN
    url: str | None = None  # for LINK
    at: str | None = None  # for TIME: the instant, UTC ISO-8601

    @classmethod
    def time(cls, text: str, at: str) -> Span:
        return cls(text, Style.TIME, at=at)


@dataclass(frozen=True, slots=True)
class Paragraph:
    spans: tuple[Span, ...]
    bullet: bool = False
    # Says how to do something by typing a command ("or type /answer 12 2"): left out where the
    # reply's buttons are the only way (Discord, which knows only its synced slash commands).
    typed: bool = False

    @classmethod
    def plain(cls, text: str, *, bullet: bool = False) -> Paragraph:
        return cls((Span(text),), bullet=bullet)


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class CodeBlock:
    code: str
    lang: str = ""


Block = Paragraph | Heading | CodeBlock


@dataclass(frozen=True, slots=True)
class Button:
    """A button stands for a command line: clicking it runs `/command args`. The console prints
    that line, so everything a button does can be typed."""

    label: str
    command: str
    args: str = ""

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > BUTTON_PAYLOAD_MAX_BYTES:
            raise ValueError(f"button payload over {BUTTON_PAYLOAD_MAX_BYTES} bytes: {self.payload!r}")

    @property
    def payload(self) -> str:
        return f"{self.command} {self.args}".rstrip()

    @property
    def command_line(self) -> str:
        return "/" + self.payload

    @classmethod
    def from_payload(cls, payload: str, label: str = "") -> Button:
        command, _, args = payload.partition(" ")
        return cls(label=label, command=command, args=args)


@dataclass(frozen=True, slots=True)
class QuizPoll:
    """A quiz question as a platform's native quiz poll (Telegram), where one fits. The reply
    that carries it stays complete without it (text and answer buttons), so an adapter that
    cannot send a poll, or a chat that cannot take one, just renders the reply.

    Answering option `k` (0-based) stands for `/answer <quiz_id> <k + 1>` by the voter."""

    quiz_id: int  # the posted question (quiz_posts.id)
    question: str  # plain text: a poll question cannot hold formatting
    options: tuple[str, ...]
    correct_index: int  # 0-based
    explanation: str  # shown by the platform after a vote
    # Sent as a message before the poll: what the poll cannot hold (a code snippet, a recap).
    intro: tuple[Block, ...] = ()
    open_period: int | None = None  # seconds the poll stays open (a timed round); None: open


@dataclass(frozen=True, slots=True)
class Image:
    """A picture sent with a reply (a PNG). What it shows is also in the reply's blocks, so an
    adapter that cannot send pictures (the console) loses nothing: `replaces` names the blocks
    the picture shows better, which an adapter that sends it may leave out."""

    name: str  # the file name, e.g. "timeline.png"
    png: bytes = field(repr=False)
    alt: str  # what the picture shows, in words (alt text, a caption's first line)
    replaces: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        if not FILE_NAME.fullmatch(self.name) or not self.name.endswith(".png"):
            raise ValueError(f"an image's name is a plain file name ending .png: {self.name!r}")


@dataclass(frozen=True, slots=True)
class Document:
    """A text file sent with a reply (a long program output). The reply's blocks already hold
    its head, so an adapter that cannot send files shows that; `caption` says what the file
    holds."""

    name: str  # e.g. "output.txt"
    text: str = field(repr=False)
    caption: str = ""

    def __post_init__(self) -> None:
        if not FILE_NAME.fullmatch(self.name):
            raise ValueError(f"a document's name is a plain file name: {self.name!r}")

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class CodeForm:
    """Code handed back to its author to change and send again: a platform with forms opens
    one (Discord's modal for `/command`'s `option`, prefilled with `code`); the reply's blocks
    show the same code ready to copy everywhere else."""

    command: str  # the command the form submits to, e.g. "run"
    option: str  # its multi-line option, e.g. "code"
    code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Share:
    """An offer to pass a reply on into another chat, for platforms with a way to (Telegram's
    inline mode: the user picks a chat, and `query` finds the same card there). The reply loses
    nothing where there is none: it can always be forwarded or copied."""

    label: str  # the button, in the reader's voice
    query: str  # what finds it again, e.g. the card's id


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler returns. `blocks` is the body in a small neutral rich-text model that
    every adapter can render (and escape) its own way."""

    blocks: tuple[Block, ...] = ()
    title: str | None = None
    url: str | None = None  # a "read more" link (official docs)
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows
    private: bool = False  # ephemeral on Discord, to the user on Telegram groups
    # Private, and never shown where others see it, not even as a fallback: where the platform
    # has no ephemeral message (a typed command in a Telegram group), the user's private chat
    # or, failing that, only how to open one (a challenge verdict spoils nothing).
    spoils: bool = False
    final: bool = True  # False for a progress reply that the next reply replaces (an edit)
    # Replaces the message whose button was clicked (a quiz post's running tally), where the
    # platform can edit it; elsewhere it is sent as a new message.
    edit_source: bool = False
    # The same question as a native quiz poll, for adapters that can send one (None: no poll).
    poll: QuizPoll | None = None
    # A timed question's answers count until then (UTC ISO-8601): a platform that can show a
    # live countdown does (Discord's <t:…:R>); the text already says how long.
    deadline: str | None = None
    image: Image | None = None  # a picture (PNG) beside the text
    document: Document | None = None  # a text file beside the text
    form: CodeForm | None = None  # code to edit and send again, for platforms with forms
    share: Share | None = None  # pass it on into another chat, where the platform offers a way
    # Offers to add the bot to a group, where the platform has a link for it (Telegram's
    # startgroup link): the offer's label, in the reader's voice. The text says it anyway.
    invite: str | None = None

    @property
    def has_files(self) -> bool:
        return self.image is not None or self.document is not None

    def with_picture_shown(self) -> Reply:
        """The reply as an adapter that sends its image shows it: without the blocks the
        picture replaces (the text timeline beside the timeline picture)."""
        if self.image is None or not self.image.replaces:
            return self
        gone = self.image.replaces
        return replace(self, blocks=tuple(b for b in self.blocks if b not in gone))

    @classmethod
    def text(cls, *paragraphs: str, title: str | None = None, private: bool = False,
             final: bool = True, spoils: bool = False) -> Reply:
        return cls(blocks=tuple(Paragraph.plain(p) for p in paragraphs), title=title,
                   private=private, final=final, spoils=spoils)

    def plain(self) -> str:
        """The plain-text fallback of the whole reply (no buttons)."""
        parts: list[str] = []
        if self.title:
            parts.append(self.title)
        for block in self.blocks:
            match block:
                case Heading(text=text):
                    parts.append(text)
                case CodeBlock(code=code):
                    parts.append(code)
                case Paragraph(spans=spans, bullet=bullet):
                    line = "".join(s.text for s in spans)
                    parts.append(("• " if bullet else "") + line)
        if self.url:
            parts.append(self.url)
        return "\n".join(parts)


# A handler answers with one reply, or streams progress replies and then the result.
HandlerResult = Reply | AsyncIterator[Reply]
