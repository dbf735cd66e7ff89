"""Settings: nested env names, empty tokens, one clear line for a bad value."""

import pytest

from bot.settings import SettingsError, load_settings


def test_nested_env_names_and_secret_tokens(monkeypatch, tmp_path):
    """`DISCORD__TOKEN` and `STORAGE__PATH` land in their groups; tokens stay secret."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD__TOKEN", "abc.def")
    monkeypatch.setenv("STORAGE__PATH", "/tmp/x.sqlite3")
    settings = load_settings()
    assert settings.discord.token.get_secret_value() == "abc.def"
    assert "abc.def" not in repr(settings)
    assert str(settings.storage.path) == "/tmp/x.sqlite3"


def test_empty_token_means_not_configured(monkeypatch, tmp_path):
    """An empty or blank token is None, so that adapter stays off."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM__TOKEN", "  ")
    assert load_settings().telegram.token is None


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    """Values in ./.env apply when the environment does not set them."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DEFAULT_LANG=en\nLOG__LEVEL=debug\n")
    settings = load_settings()
    assert (settings.default_lang, settings.log.level) == ("en", "DEBUG")


@pytest.mark.parametrize(("name", "value", "expect"), [
    ("DEFAULT_LANG", "fr", "DEFAULT_LANG"),
    ("LOG__LEVEL", "loud", "LOG__LEVEL"),
    ("DISCORD__DEV_GUILD_ID", "my-guild", "DISCORD__DEV_GUILD_ID"),
])
def test_bad_setting_names_itself_in_one_line(monkeypatch, tmp_path, name, value, expect):
    """A bad value raises one line naming the setting and what is expected."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert expect in message and "\n" not in message


def test_token_format_is_never_judged(monkeypatch, tmp_path):
    """Any non-empty token is accepted here; only the platform can judge it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD__TOKEN", "not-a-real-looking-token")
    assert load_settings().discord.token is not None


def test_sandbox_urls_are_split_and_checked(monkeypatch, tmp_path):
    """SANDBOX__URL takes http(s)://host:port and unix:/path, comma-separated; anything else is
    one line naming the setting."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SANDBOX__URL", " http://127.0.0.1:8081 , unix:/run/sb/sock,")
    monkeypatch.setenv("SANDBOX__TOKEN", "s3cret")
    sandbox = load_settings().sandbox
    assert sandbox.urls == ("http://127.0.0.1:8081", "unix:/run/sb/sock")
    assert "s3cret" not in repr(sandbox)
    assert sandbox.remote().token == "s3cret"
    for bad in ("127.0.0.1:8081", " , "):
        monkeypatch.setenv("SANDBOX__URL", bad)
        with pytest.raises(SettingsError, match="SANDBOX__URL"):
            load_settings()
    monkeypatch.setenv("SANDBOX__URL", "unix:/run/sb/sock")
    for bad in ("two words", "caf\u00e9", "tab\there"):
        monkeypatch.setenv("SANDBOX__TOKEN", bad)
        with pytest.raises(SettingsError, match="SANDBOX__TOKEN"):
            load_settings()


def test_storage_url_selects_postgresql_and_stays_secret(monkeypatch, tmp_path):
    """STORAGE__URL is a secret (it may carry a password); empty means SQLite at STORAGE__PATH;
    anything but postgresql:// is one clear line."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORAGE__URL", "")
    assert load_settings().storage.url is None
    monkeypatch.setenv("STORAGE__URL", "postgresql://bot:pw@db:5432/bot")
    settings = load_settings()
    assert settings.storage.url.get_secret_value() == "postgresql://bot:pw@db:5432/bot"
    assert "pw@" not in repr(settings)
    monkeypatch.setenv("STORAGE__URL", "mysql://db/bot")
    with pytest.raises(SettingsError, match=r"STORAGE__URL.*postgresql://") as caught:
        load_settings()
    assert "\n" not in str(caught.value)


def test_a_webhook_secret_telegram_refuses_is_named_without_being_shown(monkeypatch, tmp_path):
    """TELEGRAM__WEBHOOK_SECRET takes what setWebhook takes (1-256 of A-Z a-z 0-9 _ -); a bad
    one is one line that names the setting and never repeats the secret."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM__WEBHOOK_SECRET", "Good_secret-1")
    assert load_settings().telegram.webhook_secret.get_secret_value() == "Good_secret-1"
    for bad in ("has space", "x" * 257, "naïve"):
        monkeypatch.setenv("TELEGRAM__WEBHOOK_SECRET", bad)
        with pytest.raises(SettingsError, match="TELEGRAM__WEBHOOK_SECRET") as caught:
            load_settings()
        assert bad not in str(caught.value) and "\n" not in str(caught.value)


def test_webhook_processes_sharing_postgresql_need_the_secret(monkeypatch, tmp_path):
    """Webhook mode with STORAGE__URL (a fleet behind a load balancer) refuses to start without
    TELEGRAM__WEBHOOK_SECRET; with SQLite (one process) or with the secret it starts."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM__TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM__MODE", "webhook")
    monkeypatch.setenv("TELEGRAM__WEBHOOK_URL", "https://bot.example.org/tg")
    assert load_settings().telegram.mode == "webhook"
    monkeypatch.setenv("STORAGE__URL", "postgresql://bot:pw@db:5432/bot")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == (
        "invalid settings: TELEGRAM__MODE=webhook with STORAGE__URL (processes behind a load"
        " balancer) needs TELEGRAM__WEBHOOK_SECRET, the header Telegram sends with each update")
    monkeypatch.setenv("TELEGRAM__WEBHOOK_SECRET", "s3cret")
    assert load_settings().telegram.webhook_secret is not None


def test_discord_shards_are_checked_in_one_friendly_line(monkeypatch, tmp_path):
    """DISCORD__SHARD_IDS is comma-separated shard numbers below DISCORD__SHARD_COUNT, each
    once; without the count, or past it, one line says what to set. Shard 0's process syncs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD__SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD__SHARD_IDS", " 2, 0")
    discord = load_settings().discord
    assert (discord.shard_count, discord.shards, discord.syncs_commands) == (4, (0, 2), True)
    monkeypatch.setenv("DISCORD__SHARD_IDS", "3")
    assert not load_settings().discord.syncs_commands
    for ids, expect in (("0,x", "DISCORD__SHARD_IDS: expected shard numbers separated by commas"),
                        ("1,1", "DISCORD__SHARD_IDS: shard 1 is named twice"),
                        ("4", "DISCORD__SHARD_IDS names shard 4, but with DISCORD__SHARD_COUNT=4"
                              " shards are numbered 0 to 3")):
        monkeypatch.setenv("DISCORD__SHARD_IDS", ids)
        with pytest.raises(SettingsError, match=expect):
            load_settings()
    monkeypatch.delenv("DISCORD__SHARD_COUNT")
    monkeypatch.setenv("DISCORD__SHARD_IDS", "0")
    with pytest.raises(SettingsError, match="DISCORD__SHARD_IDS needs DISCORD__SHARD_COUNT"):
        load_settings()
    monkeypatch.setenv("DISCORD__SHARD_IDS", "")
    assert load_settings().discord.shards is None and load_settings().discord.syncs_commands
