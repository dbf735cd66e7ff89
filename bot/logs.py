"""Logging: one line per event on stderr, structured as logfmt, and no token ever printed.

    ts=2026-11-25T06:44:45.506Z level=info logger=bot.host msg="host: adapter discord failed"

logfmt (`key=value`, values quoted when they hold spaces) is readable in a terminal and parsed
as-is by log shippers (Loki, Vector, `docker logs | grep level=error`). Fields passed with
`extra={...}` are appended as more keys.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable

# Attributes every LogRecord has: anything else on a record came from `extra=` and is a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RedactSecrets(logging.Filter):
    """Replaces every configured secret in a record's final text (the Telegram token is part of
    every Bot API URL, which `httpx` would otherwise log)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg, record.args = self._redact(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self._redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        for key, value in vars(record).items():
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self._redact(value))
        return True


def _quote(value: object) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\t') and text.isprintable():
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


class LogfmtFormatter(logging.Formatter):
    """One record, one line: a traceback becomes the `exc` field with its newlines escaped."""

    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        fields = [("ts", f"{ts}.{int(record.msecs):03d}Z"), ("level", record.levelname.lower()),
                  ("logger", record.name), ("msg", record.getMessage())]
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                fields.append((key, value))
        exc = record.exc_text
        if record.exc_info and record.exc_info[1] is not None:
            exc = self.formatException(record.exc_info)
        if exc:
            fields.append(("exc", exc))
        return " ".join(f"{key}={_quote(value)}" for key, value in fields)


def configure(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs each request URL at INFO, and Telegram's URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
