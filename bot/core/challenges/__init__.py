"""Coding challenges graded in the sandbox by what the learner's code does, never by its text.

Content lives in `content/challenges/<id>/`; `grade` runs a submission beside the challenge's
hidden checks and returns a frozen `Verdict`."""

from bot.core.challenges._grade import (
    MAX_CODE_CHARS,
    Outcome,
    SubmissionError,
    Verdict,
    build_program,
    check_code,
    grade,
    parse,
    run_program,
    verdict_from,
)
from bot.core.challenges._lint import CHAL_CODES, lint_challenges
from bot.core.challenges._model import (
    GENERIC,
    Challenge,
    ChallengeError,
    Challenges,
    Manifest,
    UnknownChallenge,
    load_challenge,
)

__all__ = [
    "CHAL_CODES",
    "GENERIC",
    "MAX_CODE_CHARS",
    "Challenge",
    "ChallengeError",
    "Challenges",
    "Manifest",
    "Outcome",
    "SubmissionError",
    "UnknownChallenge",
    "Verdict",
    "build_program",
    "check_code",
    "grade",
    "lint_challenges",
    "load_challenge",
    "parse",
    "run_program",
    "verdict_from",
]
