"""Logs: one line per event, and a configured token never appears."""

import logging

from bot import logs


def test_token_is_redacted_from_messages_and_tracebacks(capsys):
    """A token in a message, an argument or an exception is replaced."""
    token = "123456:SECRET-token"
    logs.configure("INFO", [token])
    log = logging.getLogger("test.redact")
    log.info("GET https://api.telegram.org/bot%s/getMe", token)
    try:
        raise RuntimeError(f"failed with {token}")
    except RuntimeError:
        log.exception("boom")
    err = capsys.readouterr().err
    assert token not in err and "<redacted>" in err
    assert len(err.strip().splitlines()) == 2  # each event, traceback included, is one line


def test_httpx_request_lines_are_silenced():
    """httpx logs request URLs (with the token) at INFO: that logger is set to WARNING."""
    logs.configure("DEBUG", [])
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
