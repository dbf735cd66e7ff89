"""Content lint with stable codes: `python -m bot.lint content/` (which hands it a sandbox).

Each code has one failing fixture under `tests/core/lint_fixtures/<CODE>/`. The card checks
compare each card with its curriculum entry: a card must carry every section and every line the
curriculum has for its term (in the Hinglish voice, in the curriculum's words), and nothing is
demanded that the curriculum lacks.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bot.core import curriculum
from bot.core.about import ABOUT_CODES, ABOUT_FILE, load_about, too_long
from bot.core.challenges import CHAL_CODES, lint_challenges
from bot.core.challenges._lint import SandboxOpener
from bot.core.content import Card, ContentError, load_card, normalize
from bot.core.lint_quiz import QUIZ_CODES, check_card_links, lint_quiz, question_count
from bot.core.types import CodeBlock

CODES: dict[str, str] = {
    "TERM001": "file name does not match the card id",
    "TERM002": "unknown front matter key",
    "TERM003": "invalid front matter value",
    "TERM004": "a section the curriculum has for this term is missing",
    "TERM005": "a curriculum line is not in the Hinglish voice, word for word",
    "TERM006": "the English voice does not have the same sections as the Hinglish one",
    "TERM007": "alias or name collides with another card",
    "TERM008": "related term is not a card",
    "TERM009": "python code block does not compile",
    "TERM010": "python-error code block compiles but is meant to fail",
    "TERM011": "a voice block is missing or unknown",
    "TERM012": "section appears twice in a voice",
    "TERM013": "unknown section key, or text outside a section",
    "TERM014": "voice too long for one chat message",
    "TERM015": "docs link is not an official Python docs page",
    "TERM016": "front matter does not parse",
    "TERM017": "curriculum term without a card, or card without a curriculum term",
    "TERM018": "order differs from the curriculum number",
    "TERM019": "a level-2 card (track: 2) is a curriculum term, or is not ordered after the curriculum",
    "DEMO001": "a card links a demo that does not exist, or a demo lacks its program or metadata",
    "DEMO002": "demo program does not compile",
    "DEMO003": "demo and card do not link each other",
    "DEMO004": "invalid demo metadata",
}
CODES.update(QUIZ_CODES)  # the question bank's codes, QUIZ001.. (bot/core/lint_quiz.py)
CODES.update(CHAL_CODES)  # the challenges' codes, CHAL001.. (bot/core/challenges/_lint.py)
CODES.update(ABOUT_CODES)  # content/about.yml (bot/core/about.py)

# One card voice must fit one Telegram message (4,096) with room for title, place and buttons.
MAX_VOICE_CHARS = 3_800
DOCS_HOST = "docs.python.org"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.code} {self.message}"


def _compiles(code: str, *, top_level_await: bool) -> SyntaxError | None:
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if top_level_await else 0
    try:
        compile(code, "<card>", "exec", flags=flags, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    return None


def clean_title(title: str) -> str:
    return curriculum.clean(title).replace("`", "")


def check_card(card: Card, entry: curriculum.Entry | None, path: Path) -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, message: str) -> None:
        out.append(Finding(str(path), code, message))

    meta = card.meta
    if path.stem != meta.id:
        add("TERM001", f"file is {path.name} but id is {meta.id!r}")
    if "hi" not in card.voices or "en" not in card.voices:
        add("TERM011", "needs both voices: '# Hinglish {#hi}' and '# English {#en}'")
        return out
    url = urlparse(str(meta.docs))
    if url.scheme != "https" or url.hostname != DOCS_HOST or not url.path.startswith("/3/"):
        add("TERM015", f"{meta.docs} is not under https://{DOCS_HOST}/3/")

    hi_keys = [s.key for s in card.voices["hi"]]
    en_keys = [s.key for s in card.voices["en"]]
    if hi_keys != en_keys:
        add("TERM006", f"hi has {hi_keys}, en has {en_keys}")

    if entry is not None:
        if meta.order != entry.number:
            add("TERM018", f"order is {meta.order}, the curriculum numbers it {entry.number}")
        for key in entry.sections:
            if key not in hi_keys:
                add("TERM004", f"missing section {{#{key}}}")
        hi_sections = {s.key: s for s in card.voices["hi"]}
        for key, lines in entry.sections.items():
            section = hi_sections.get(key)
            if section is None:
                continue  # already TERM004
            have = {curriculum.clean(line) for line in section.markdown.splitlines()}
            label = entry.labels.get(key)
            if label and curriculum.clean(section.label) != curriculum.clean(label):
                add("TERM005", f"{{#{key}}} label is {section.label!r}, the curriculum says {label!r}")
            for line in lines:
                if curriculum.clean(line) not in have:
                    add("TERM005", f"{{#{key}}} lacks the curriculum line {line!r}")
        if entry.id != "summary" and clean_title(meta.title.hi) != clean_title(entry.title):
            add("TERM005", f"title is {meta.title.hi!r}, the curriculum says {entry.title!r}")

    for lang, sections in card.voices.items():
        size = len(card.title(lang)) + sum(len(s.label) + len(s.markdown) + 2 for s in sections)
        if size > MAX_VOICE_CHARS:
            add("TERM014", f"voice {lang} is {size} characters, over {MAX_VOICE_CHARS}")
        for section in sections:
            for block in section.blocks:
                if not isinstance(block, CodeBlock):
                    continue
                if block.lang == "python":
                    err = _compiles(block.code, top_level_await=True)
                    if err:
                        add("TERM009", f"{lang}/{section.key}: {err.msg} (line {err.lineno})")
                elif block.lang == "python-error" and _compiles(block.code, top_level_await=False) is None:
                    add("TERM010", f"{lang}/{section.key}: this block compiles")
    return out


def lint(root: Path, curriculum_path: Path | None = None, *,
         open_sandbox: SandboxOpener | None = None) -> list[Finding]:
    root = Path(root)
    curriculum_path = curriculum_path or root / "curriculum" / "async-terms-revision.txt"
    entries = {e.id: e for e in curriculum.load(curriculum_path)}
    findings: list[Finding] = []
    cards: list[tuple[Card, Path]] = []
    broken: set[str] = set()  # cards that did not load: reported once, not again as missing
    for path in sorted((root / "terms").glob("*.md")):
        try:
            card = load_card(path)
        except ContentError as exc:
            findings.append(Finding(str(path), exc.code, exc.message))
            broken.add(path.stem)
            continue
        cards.append((card, path))
        findings += check_card(card, None if card.beyond else entries.get(card.id), path)

    ids = {card.id for card, _ in cards} | broken
    for entry in entries.values():
        if entry.id not in ids:
            findings.append(Finding(str(root / "terms"), "TERM017", f"no card for {entry.id!r}"))
    owner: dict[str, str] = {}
    last = max((e.number for e in entries.values()), default=0)
    beyond_orders: dict[int, str] = {}
    for card, path in cards:
        if card.beyond:
            # Level 2 has no curriculum lines; it follows the whole sheet, one place per card.
            if card.id in entries:
                findings.append(Finding(str(path), "TERM019",
                                        f"{card.id!r} is a curriculum term, yet says track: 2"))
            elif card.meta.order <= last:
                findings.append(Finding(str(path), "TERM019",
                                        f"order {card.meta.order} is inside the curriculum (1..{last})"))
            elif card.meta.order in beyond_orders:
                findings.append(Finding(str(path), "TERM019", f"order {card.meta.order} is also "
                                        f"{beyond_orders[card.meta.order]!r}'s"))
            beyond_orders.setdefault(card.meta.order, card.id)
        elif card.id not in entries:
            findings.append(Finding(str(path), "TERM017", f"{card.id!r} is not a curriculum term "
                                    "(a card beyond the sheet says track: 2)"))
        for rel in card.meta.related:
            if rel not in ids or rel == card.id:
                findings.append(Finding(str(path), "TERM008", f"related {rel!r} is not another card"))
        names = {normalize(n) for n in (card.id, card.meta.title.hi, card.meta.title.en)}
        names |= {normalize(a) for a in card.meta.aliases}
        for name in sorted(names):
            if name in owner and owner[name] != card.id:
                findings.append(Finding(str(path), "TERM007",
                                        f"{name!r} also names {owner[name]!r}"))
            owner.setdefault(name, card.id)
    if (root / "quiz").is_dir():
        terms = [e.id for e in entries.values() if e.id != "summary"]
        findings += lint_quiz(root / "quiz", ids, terms)
        findings += [Finding(str(root / "quiz"), "QUIZ009", f"no quiz file for {card.id!r}")
                     for card, _ in cards
                     if card.beyond and not (root / "quiz" / f"{card.id}.yaml").exists()]
        findings += check_card_links(root / "quiz", {c.id: c.meta.quizzes for c, _ in cards},
                                     {c.id: p for c, p in cards})
    findings += check_demos(root, [card for card, _ in cards])
    findings += check_about(root)
    findings += lint_challenges(root, ids, [e.id for e in entries.values() if e.id != "summary"],
                                _misconception_tags(root), open_sandbox,
                                beyond_ids=[card.id for card, _ in cards if card.beyond])
    return sorted(findings)


def check_about(root: Path) -> list[Finding]:
    """content/about.yml, where there is one: its shape, and each text within its limit."""
    try:
        about = load_about(root)
    except ContentError as exc:
        return [Finding(str(root / ABOUT_FILE), exc.code, exc.message)]
    if about is None:
        return []
    return [Finding(str(root / ABOUT_FILE), "ABOUT002", message) for message in too_long(about)]


def _misconception_tags(root: Path) -> set[str]:
    from bot.core.quizbank import MISCONCEPTIONS_FILE, BankError, load_misconceptions

    try:
        return set(load_misconceptions(root / "quiz" / MISCONCEPTIONS_FILE))
    except BankError:
        return set()  # reported by the quiz lint


def check_demos(root: Path, cards: list[Card]) -> list[Finding]:
    """Demos (content/demos/<id>.py + <id>.yml) against the cards that link them. Whether a demo's
    real output matches its claims is checked by running it: tests/sandbox/test_demos.py."""
    from bot.core.demos import DemoError, load_demo

    folder = root / "demos"
    out: list[Finding] = []
    demos = {}
    if folder.is_dir():
        for meta_path in sorted(folder.glob("*.yml")):
            try:
                demo = load_demo(meta_path)
            except DemoError as exc:
                out.append(Finding(str(meta_path), exc.code, exc.message))
                demos[meta_path.stem] = None
                continue
            demos[demo.id] = demo
            try:
                compile(demo.code, str(demo.path), "exec", dont_inherit=True)
            except SyntaxError as exc:
                out.append(Finding(str(demo.path), "DEMO002", f"{exc.msg} (line {exc.lineno})"))
        for code_path in sorted(folder.glob("*.py")):
            if code_path.stem not in demos:
                out.append(Finding(str(code_path), "DEMO001", f"no {code_path.stem}.yml beside it"))
    by_id = {card.id: card for card in cards}
    for card in cards:
        for demo_id in card.meta.demos:
            if demo_id not in demos:
                out.append(Finding(str(root / "terms" / f"{card.id}.md"), "DEMO001",
                                   f"demo {demo_id!r} does not exist"))
            elif (demo := demos[demo_id]) is not None and card.id not in demo.meta.cards:
                out.append(Finding(str(demo.path.with_suffix(".yml")), "DEMO003",
                                   f"card {card.id!r} links it but it does not name the card"))
    for demo in demos.values():
        if demo is None:
            continue
        for card_id in demo.meta.cards:
            card = by_id.get(card_id)
            if card is None or demo.id not in card.meta.demos:
                out.append(Finding(str(demo.path.with_suffix(".yml")), "DEMO003",
                                   f"names card {card_id!r}, which does not link it back"))
    return out


def main(argv: list[str] | None = None, *, open_sandbox: SandboxOpener | None = None) -> int:
    """The command line; `open_sandbox` runs the challenges' programs (none: not run, a note)."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else "content")
    if not (root / "terms").is_dir():
        print(f"lint: {root}/terms is not a folder", file=sys.stderr)
        return 2
    findings = lint(root, open_sandbox=open_sandbox)
    for finding in findings:
        print(finding)
    cards = len(list((root / "terms").glob("*.md")))
    questions = question_count(root / "quiz") if (root / "quiz").is_dir() else 0
    print(f"{len(findings)} finding(s) in {cards} card(s) and {questions} quiz question(s)")
    return 1 if findings else 0


