"""Logging: logfmt, one line per event, secrets never printed."""

from __future__ import annotations

import io
import logging

import pytest

from bot import logs

TOKEN = "123456:AAF-secret-telegram-token"


@pytest.fixture
def configured():
    """The real configuration with its stream redirected to a buffer; the root logger is
    restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure("INFO", [TOKEN, ""])
    [handler] = root.handlers
    buffer = io.StringIO()
    handler.setStream(buffer)
    yield buffer.getvalue
    root.handlers[:], level = saved
    root.setLevel(level)


def test_a_record_is_one_logfmt_line(configured):
    """Each event is one line of key=value fields; values with spaces are quoted."""
    logging.getLogger("bot.host").info("host: adapter %s stopped", "discord")
    [line] = configured().splitlines()
    assert line.startswith("ts=")
    assert ' level=info logger=bot.host msg="host: adapter discord stopped"' in line


def test_a_traceback_stays_on_the_event_line(configured):
    """An exception's traceback is the `exc` field of the same line, newlines escaped."""
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        logging.getLogger("bot.core").exception("core: /term failed")
    [line] = configured().splitlines()
    assert 'msg="core: /term failed"' in line
    assert "exc=\"Traceback (most recent call last):\\n" in line
    assert "ValueError: bad\\nthing" in line


def test_extra_fields_become_keys(configured):
    """Fields given with extra= are appended as their own keys."""
    logging.getLogger("bot.host").warning("host: restart", extra={"adapter": "telegram",
                                                                   "attempt": 3})
    line = configured()
    assert "adapter=telegram attempt=3" in line


def test_token_is_redacted_from_message_arguments(configured):
    """A token passed as a format argument (a Bot API URL) never reaches the output."""
    logging.getLogger("httpx").warning("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    out = configured()
    assert TOKEN not in out
    assert "bot<redacted>/getMe" in out


def test_token_is_redacted_from_tracebacks(configured):
    """A token inside an exception's text is redacted from the logged traceback."""
    try:
        raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("bot.adapters").exception("telegram: polling failed")
    out = configured()
    assert TOKEN not in out
    assert "ConnectionError: cannot reach /bot<redacted>/getUpdates" in out


def test_token_is_redacted_from_extra_fields(configured):
    """A token in an extra field is redacted too."""
    logging.getLogger("bot").error("failed", extra={"url": f"https://x/bot{TOKEN}/send"})
    out = configured()
    assert TOKEN not in out
    assert "url=https://x/bot<redacted>/send" in out


def test_httpx_request_lines_are_silenced_at_info(configured):
    """httpx's per-request INFO lines (URLs with the token) are not logged at all."""
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    assert configured() == ""
