"""Reads the curriculum text into entries of labelled sections, so the lint can check that each
card carries every line the curriculum has for its term, and only demands sections it has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.content import SUMMARY_ID, TERM_IDS

# Curriculum label (qualifier in parentheses dropped) -> card section key.
LABELS: dict[str, str] = {
    "meaning": "meaning", "real life": "real_life", "programming": "programming",
    "important": "important", "example": "example", "effect": "effect", "reality": "reality",
    "examples": "examples", "best tool": "best_tool", "important truth": "important_truth",
    "normal function": "normal_function", "coroutine": "coroutine", "rules": "rules",
    "✗ wrong": "wrong", "✓ correct": "correct", "important facts": "important_facts",
    "cause": "cause", "fix": "fix", "iske bina": "without",
}
SUMMARY_HEADER = "FINAL ONE-SCREEN SUMMARY"
_NUMBER_RE = re.compile(r"^\s*(\d{1,2})(?:\s(\d))?\s+(\S.*)$")


@dataclass
class Entry:
    id: str
    number: int
    title: str
    sections: dict[str, list[str]] = field(default_factory=dict)  # key -> content lines
    labels: dict[str, str] = field(default_factory=dict)  # key -> label as written

    @property
    def lines(self) -> list[str]:
        return [line for lines in self.sections.values() for line in lines]


def clean(line: str) -> str:
    """Compare lines without markdown emphasis, bullets or surrounding space."""
    line = line.replace("**", "").strip()
    if line.startswith("- "):
        line = line[2:]
    return " ".join(line.split())


def _label_key(line: str) -> tuple[str, str] | None:
    text = clean(line)
    if not text.endswith(":"):
        return None
    label = text[:-1].strip()
    base = re.sub(r"\s*\(.*\)\s*$", "", label).casefold()
    key = LABELS.get(base)
    return (key, label) if key else None


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    section = "code"
    in_fence = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.strip().startswith("```"):
            in_fence = not in_fence
            continue
        if not in_fence:
            match = _NUMBER_RE.match(line)
            expected = len(entries) + 1
            if match and int(match[1] + (match[2] or "")) == expected and expected <= len(TERM_IDS):
                current = Entry(TERM_IDS[expected - 1], expected, clean(match[3]))
                entries.append(current)
                section = "code"
                continue
            if line.strip().startswith(SUMMARY_HEADER):
                current = Entry(SUMMARY_ID, len(TERM_IDS) + 1, clean(line))
                entries.append(current)
                section = "lines"
                continue
            label = _label_key(line)
            if label and current is not None:
                section = label[0]
                current.labels[section] = label[1]
                current.sections.setdefault(section, [])
                continue
        if current is None or not clean(line):
            continue
        if in_fence and section in ("meaning",) and current.sections.get("meaning"):
            section = "code"  # a code block right after a meaning is the term's own code
        current.sections.setdefault(section, []).append(clean(line))
    return entries


def load(path: Path) -> list[Entry]:
    return parse(path.read_text(encoding="utf-8"))
