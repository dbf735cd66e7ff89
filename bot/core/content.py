"""Content cards: the model, the loader and the lookup (exact, alias, fuzzy, full text).

A card is `content/terms/<id>.md`: YAML front matter (validated, unknown keys refused) and a
markdown body with one block per voice, `# Hinglish {#hi}` and `# English {#en}`, each made of
sections `## <label> {#<key>}`. Section keys are shared by both voices; labels are free text so
the Hinglish voice keeps the curriculum's own words ("Meaning (LOCK THIS 🔒)").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import frontmatter
from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, Field, HttpUrl
from rapidfuzz import fuzz, process

from bot.core.types import (
    LANGS,
    Block,
    CodeBlock,
    Heading,
    Lang,
    Paragraph,
    Span,
    Style,
)

if TYPE_CHECKING:
    from bot.core.about import About

T = TypeVar("T")

# Ids are stable: demos, quizzes, buttons and the database all link to them.
TERM_IDS: tuple[str, ...] = (
    "sync", "async", "blocking", "non-blocking", "concurrency", "parallelism", "io-bound",
    "cpu-bound", "async-def", "coroutine", "await", "event-loop", "starvation",
    "await-outside-function", "asyncio-run",
)
SUMMARY_ID = "summary"
# Track 1 is the revision sheet (the curriculum); track 2 goes beyond it (TaskGroup, timeouts ...).
CURRICULUM_TRACK = 1
BEYOND_TRACK = 2
CARD_IDS: tuple[str, ...] = (*TERM_IDS, SUMMARY_ID)

# Known section keys. The Hinglish labels are the curriculum's own; English ones are defaults.
SECTION_KEYS: tuple[str, ...] = (
    "meaning", "real_life", "programming", "important", "example", "effect", "reality",
    "examples", "best_tool", "code", "important_truth", "normal_function", "coroutine",
    "rules", "wrong", "correct", "important_facts", "cause", "fix", "without", "lines", "note",
)

VOICE_RE = re.compile(r"^# (?P<label>.+?) \{#(?P<key>[a-z]+)\}\s*$", re.M)
SECTION_RE = re.compile(r"^## (?P<label>.+?) \{#(?P<key>[a-z_]+)\}\s*$", re.M)


class Voiced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    hi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Lang) -> str:
        return self.hi if lang == "hi" else self.en


class CardMeta(BaseModel):
    """The front matter of a card. `extra="forbid"`: a misspelt key is an error, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    order: int = Field(ge=1, le=99)
    # 1: a curriculum term; 2: level 2, beyond the revision sheet (no curriculum lines to carry).
    track: Literal[1, 2] = CURRICULUM_TRACK
    title: Voiced
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    docs: HttpUrl
    demos: tuple[str, ...] = ()
    quizzes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    label: str
    markdown: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Card:
    meta: CardMeta
    voices: dict[str, tuple[Section, ...]]  # lang -> sections, in file order
    path: Path | None = None

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def beyond(self) -> bool:
        """A level-2 card: past the revision sheet."""
        return self.meta.track == BEYOND_TRACK

    def title(self, lang: Lang) -> str:
        return self.meta.title.get(lang)

    def sections(self, lang: Lang) -> tuple[Section, ...]:
        return self.voices.get(lang) or self.voices["hi"]

    def plain_text(self, lang: Lang | None = None) -> str:
        langs = (lang,) if lang else LANGS
        out = []
        for one in langs:
            out.append(self.title(one))
            for section in self.voices.get(one, ()):
                out.append(section.label)
                out.append(section.markdown)
        return "\n".join(out)


class ContentError(Exception):
    def __init__(self, path: Path | None, message: str, code: str = "TERM000") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# markdown -> neutral blocks

_md = MarkdownIt("commonmark")


def markdown_to_blocks(text: str) -> tuple[Block, ...]:
    """Convert the markdown subset cards use (paragraphs, bullets, **bold**, *italic*, `code`,
    links, fenced code, headings) into neutral blocks adapters know how to render."""
    blocks: list[Block] = []
    bullet = False
    for token in _md.parse(text):
        if token.type == "bullet_list_open":
            bullet = True
        elif token.type == "bullet_list_close":
            bullet = False
        elif token.type in ("fence", "code_block"):
            info = (token.info or "").split()
            blocks.append(CodeBlock(token.content.rstrip("\n"), info[0] if info else ""))
        elif token.type == "inline":
            spans = _inline_spans(token.children or [])
            if spans:
                blocks.append(Paragraph(tuple(spans), bullet=bullet))
        elif token.type == "heading_open":
            pass  # its inline child arrives next; mark it below
        if token.type == "heading_close" and blocks and isinstance(blocks[-1], Paragraph):
            last = blocks.pop()
            blocks.append(Heading("".join(s.text for s in last.spans)))
    return tuple(blocks)


def _inline_spans(children: Iterable) -> list[Span]:
    spans: list[Span] = []
    style = Style.PLAIN
    url: str | None = None
    for child in children:
        match child.type:
            case "text":
                if child.content:
                    spans.append(Span(child.content, style, url))
            case "code_inline":
                spans.append(Span(child.content, Style.CODE))
            case "softbreak" | "hardbreak":
                spans.append(Span("\n", Style.PLAIN))
            case "strong_open":
                style = Style.BOLD
            case "em_open":
                style = Style.ITALIC
            case "strong_close" | "em_close" | "link_close":
                style, url = Style.PLAIN, None
            case "link_open":
                style, url = Style.LINK, str(child.attrs.get("href", ""))
            case _:
                if child.content:
                    spans.append(Span(child.content, style, url))
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].style == span.style and merged[-1].url == span.url:
            merged[-1] = Span(merged[-1].text + span.text, span.style, span.url)
        else:
            merged.append(span)
    return merged


# ---------------------------------------------------------------------------------------------
# loading


def _chunks(pattern: re.Pattern[str], text: str) -> tuple[str, list[tuple[re.Match[str], str]]]:
    """Split text at heading lines: (text before the first, [(heading match, its body)])."""
    matches = list(pattern.finditer(text))
    ends = [m.start() for m in matches[1:]] + [len(text)]
    head = text[: matches[0].start()] if matches else text
    return head, [(m, text[m.end():end]) for m, end in zip(matches, ends, strict=True)]


def parse_body(body: str, path: Path | None = None) -> dict[str, tuple[Section, ...]]:
    voices: dict[str, tuple[Section, ...]] = {}
    _, chunks = _chunks(VOICE_RE, body)
    if not chunks:
        raise ContentError(path, "body has no voice block ('# Hinglish {#hi}')", "TERM011")
    for match, chunk in chunks:
        lang = match["key"]
        if lang not in LANGS:
            raise ContentError(path, f"unknown voice {{#{lang}}}: expected hi or en", "TERM011")
        if lang in voices:
            raise ContentError(path, f"voice {{#{lang}}} appears twice", "TERM011")
        voices[lang] = _parse_sections(chunk, lang, path)
    return voices


def _parse_sections(text: str, lang: str, path: Path | None) -> tuple[Section, ...]:
    sections: list[Section] = []
    head, chunks = _chunks(SECTION_RE, text)
    if head.strip():
        raise ContentError(path, f"text outside a section in voice {lang}", "TERM013")
    seen: set[str] = set()
    for match, chunk in chunks:
        key = match["key"]
        if key not in SECTION_KEYS:
            raise ContentError(path, f"unknown section key {{#{key}}} in voice {lang}", "TERM013")
        if key in seen:
            raise ContentError(path, f"section {{#{key}}} twice in voice {lang}", "TERM012")
        seen.add(key)
        markdown = chunk.strip("\n")
        sections.append(Section(key, match["label"].strip(), markdown, markdown_to_blocks(markdown)))
    return tuple(sections)


def load_card(path: Path) -> Card:
    try:
        post = frontmatter.load(str(path))
    except Exception as exc:  # yaml errors come in many classes
        raise ContentError(path, f"front matter does not parse: {exc}", "TERM016") from None
    from pydantic import ValidationError

    try:
        meta = CardMeta.model_validate(post.metadata)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        code = "TERM002" if err["type"] == "extra_forbidden" else "TERM003"
        raise ContentError(path, f"front matter {where}: {err['msg']}", code) from None
    return Card(meta=meta, voices=parse_body(post.content, path), path=path)


def load_cards(root: Path) -> list[Card]:
    return [load_card(p) for p in sorted((root / "terms").glob("*.md"))]


# ---------------------------------------------------------------------------------------------
# lookup


def normalize(text: str) -> str:
    """`asyncio.run()`, `Asyncio Run` and `asyncio-run` all become `asynciorun`."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True, slots=True)
class Match:
    card: Card | None = None  # a confident answer
    mentions: tuple[Card, ...] = ()  # the query names no term but these cards mention it
    suggestions: tuple[Card, ...] = ()  # did you mean


class Library:
    """All cards, indexed once at startup: lookups are in memory and never touch the disk."""

    # A fuzzy hit must be this good, or good and clearly ahead of every other card.
    CONFIDENT = 86
    GOOD = 74
    LEAD = 8

    def __init__(self, cards: Iterable[Card], about: About | None = None) -> None:
        self.about = about  # what platforms show of the bot (content/about.yml)
        by_id = {c.id: c for c in cards}
        self.by_id = by_id
        # The whole path: the curriculum's terms, then level 2 (their orders come after).
        self.terms: tuple[Card, ...] = tuple(
            sorted((c for c in by_id.values() if c.id != SUMMARY_ID), key=lambda c: c.meta.order)
        )
        self.curriculum: tuple[Card, ...] = tuple(c for c in self.terms if not c.beyond)
        self.beyond: tuple[Card, ...] = tuple(c for c in self.terms if c.beyond)
        self.summary = by_id.get(SUMMARY_ID)
        self._keys: dict[str, str] = {}  # normalized name/alias -> card id
        for card in (*self.terms, *([self.summary] if self.summary else [])):
            for name in (card.id, card.meta.title.hi, card.meta.title.en, *card.meta.aliases):
                self._keys.setdefault(normalize(name), card.id)
        self._choices = list(self._keys)
        self._text = {c.id: c.plain_text().casefold() for c in self.terms}
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value derived from the cards alone (a card's reply in one voice), built on first
        use and then shared: the cards do not change while the bot runs. Sharing the very same
        object also lets an adapter reuse what it rendered from it (bot/adapters/memo.py)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    @classmethod
    def from_dir(cls, root: Path) -> Library:
        from bot.core.about import load_about  # it builds on this module's Voiced

        return cls(load_cards(root), load_about(root))

    def position(self, card: Card) -> tuple[int, int]:
        """The card's place on the whole path (both tracks): (17, 24)."""
        return self.terms.index(card) + 1, len(self.terms)

    def track(self, name: str) -> tuple[Card, ...]:
        """The terms of a daily track: "curriculum" (the sheet's 15) or "all" (both tracks)."""
        return self.terms if name == "all" else self.curriculum

    def neighbours(self, card: Card) -> tuple[Card | None, Card | None]:
        i = self.terms.index(card)
        prev = self.terms[i - 1] if i > 0 else None
        nxt = self.terms[i + 1] if i + 1 < len(self.terms) else None
        return prev, nxt

    def _ranked(self, key: str, limit: int = 12) -> list[tuple[str, float]]:
        """Best score per card id, highest first."""
        best: dict[str, float] = {}
        for choice, score, _ in process.extract(key, self._choices, scorer=fuzz.ratio, limit=40):
            cid = self._keys[choice]
            best[cid] = max(best.get(cid, 0.0), score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]

    def find(self, query: str) -> Match:
        key = normalize(query)
        if not key:
            return Match()
        if key in self._keys:
            return Match(card=self.by_id[self._keys[key]])
        ranked = self._ranked(key)
        if ranked:
            (top_id, top), rest = ranked[0], ranked[1:]
            second = rest[0][1] if rest else 0.0
            if (top >= self.CONFIDENT and top - second >= 3) or (
                top >= self.GOOD and top - second >= self.LEAD
            ):
                return Match(card=self.by_id[top_id])
        # "event" opens event-loop; a short prefix of a long alias ("tasks") is too weak a hint.
        prefixed = {cid for k, cid in self._keys.items()
                    if len(key) >= 4 and k.startswith(key) and len(key) * 2 >= len(k)}
        if len(prefixed) == 1:
            return Match(card=self.by_id[prefixed.pop()])
        mentions = self.mentions(query)
        if mentions:
            return Match(mentions=mentions)
        return Match(suggestions=tuple(self.by_id[cid] for cid, _ in ranked[:3]))

    def mentions(self, query: str) -> tuple[Card, ...]:
        words = " ".join(query.casefold().split())
        if len(normalize(words)) < 2:
            return ()
        pattern = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)")
        return tuple(c for c in self.terms if pattern.search(self._text[c.id]))

    def complete(self, prefix: str, limit: int = 25) -> list[Card]:
        """Autocomplete: prefix matches in curriculum order first, then fuzzy ones."""
        key = normalize(prefix)
        if not key:
            return list(self.terms[:limit])
        hits = [c for c in self.terms if any(
            normalize(n).startswith(key)
            for n in (c.id, c.meta.title.en, c.meta.title.hi, *c.meta.aliases))]
        for cid, score in self._ranked(key):
            card = self.by_id[cid]
            if score >= 50 and card not in hits:
                hits.append(card)
        return hits[:limit]
