"""Settings, read once in `__main__` from the environment and `.env`, then passed down.

Nested names use `__`: `DISCORD__TOKEN`, `TELEGRAM__TOKEN`, `STORAGE__PATH`, `STORAGE__URL`. An empty token
means "not configured"; a token's format is never judged here, only by the platform's answer.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.types import Lang

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Settings whose value an error message never repeats (it would land in a terminal or a log).
SECRET_FIELDS = frozenset({"token", "webhook_secret", "url"})


def _empty_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str | None = None
    dev_guild_id: int | None = None
    # Sharding over several processes: how many shards the whole bot runs, and which of them
    # this process runs ("0,1"); the count alone runs every shard here. Unset: one shard.
    shard_count: int | None = Field(None, ge=1, le=10_000)
    shard_ids: str | None = None

    _none = field_validator("token", "gateway_url", "dev_guild_id", "shard_count", "shard_ids",
                            mode="before")(_empty_is_none)

    @field_validator("shard_ids")
    @classmethod
    def _shard_numbers(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not parts or not all(p.isdigit() for p in parts):
            raise ValueError("expected shard numbers separated by commas, e.g. 0,1")
        twice = next((p for p in parts if parts.count(p) > 1), None)
        if twice is not None:
            raise ValueError(f"shard {int(twice)} is named twice")
        return value

    @model_validator(mode="after")
    def _shards_within_the_count(self) -> DiscordSettings:
        if self.shard_ids is not None and self.shard_count is None:
            raise ValueError("DISCORD__SHARD_IDS needs DISCORD__SHARD_COUNT, the number of shards"
                             " all the bot's processes run together")
        past = [n for n in self.shards or () if self.shard_count is not None and n >= self.shard_count]
        if past:
            raise ValueError(f"DISCORD__SHARD_IDS names shard {past[0]}, but with"
                             f" DISCORD__SHARD_COUNT={self.shard_count} shards are numbered 0 to"
                             f" {self.shard_count - 1}")
        return self

    @property
    def shards(self) -> tuple[int, ...] | None:
        """The shards this process runs (None: every shard of `shard_count`, or unsharded)."""
        if self.shard_ids is None:
            return None
        return tuple(sorted(int(p) for p in self.shard_ids.split(",") if p.strip()))

    @property
    def syncs_commands(self) -> bool:
        """Whether this process syncs the slash commands: the one that runs shard 0."""
        return self.shards is None or 0 in self.shards


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    # Flood limits for PTB's AIORateLimiter; Telegram's published defaults (30 messages/s
    # overall, 20/min per group). A local Bot API server or a benchmark may raise them. The
    # overall one is per bot token: processes sharing a database each keep to their share.
    rate_overall: float = Field(30, ge=0, description="messages per rate_overall_period; 0 = off")
    rate_overall_period: float = Field(1.0, gt=0)
    rate_group: float = Field(20, ge=0, description="messages per group per rate_group_period")
    rate_group_period: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, description="retries after a RetryAfter (HTTP 429)")
    # Updates handled at once: one long sandbox run must never stall other users.
    concurrent_updates: int = Field(64, ge=1)
    poll_timeout: float = Field(30.0, ge=0, description="getUpdates long-polling timeout, seconds")
    shutdown_grace: float = Field(3.0, ge=0, description="seconds running commands get at shutdown")
    # polling (default) or webhook (needs a public HTTPS URL that reaches listen:port).
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # /quiz and daily posts as native quiz polls where the question fits (else answer buttons).
    quiz_polls: bool = True

    _none = field_validator("token", "webhook_url", "webhook_secret", mode="before")(_empty_is_none)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_telegram_takes(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's setWebhook takes 1-256 of these characters; say so here, not at startup.
        if value is not None and not WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("expected 1 to 256 characters A-Z, a-z, 0-9, _ and - (e.g. the"
                             " output of: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return value

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> TelegramSettings:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError("TELEGRAM__MODE=webhook needs TELEGRAM__WEBHOOK_URL (the public https URL)")
        return self


class StorageSettings(BaseModel):
    """SQLite at `path` (one process per file), unless `url` names a PostgreSQL database
    (postgresql://user:password@host:port/dbname), which any number of processes may share."""

    path: Path = Path("./data/async-guru.sqlite3")
    url: SecretStr | None = None  # it may carry a password

    _none = field_validator("url", mode="before")(_empty_is_none)

    @field_validator("url")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
                ("postgresql://", "postgres://")):
            raise ValueError("expected postgresql://user:password@host:port/dbname, or empty for"
                             " SQLite at STORAGE__PATH")
        return value


class ContentSettings(BaseModel):
    path: Path = PROJECT_ROOT / "content"


class LogSettings(BaseModel):
    level: str = "INFO"

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in logging.getLevelNamesMapping():
            raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR")
        return upper


class PracticeSettings(BaseModel):
    """Daily posts: how many sends may be in flight at once, and how many start per second
    (Telegram allows about 30 messages a second per bot; Discord rate-limits per route)."""

    daily_concurrency: int = Field(8, ge=1, le=100)
    daily_rate_per_second: float = Field(20.0, gt=0, le=1000)
    # With several bot processes on one database: the rate above is the whole fleet's (per bot
    # token), and a process that stops unexpectedly has its unfinished posts completed by the
    # others this many seconds after its last heartbeat.
    daily_lease_seconds: float = Field(30.0, ge=1, le=3600)


class HealthSettings(BaseModel):
    """The optional /healthz + /metrics endpoint (off by default; loopback unless told)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)  # 0 = any free port (tests)
    # /healthz turns 503 when the loop's p99 lag over the last minute exceeds this.
    max_lag_ms: float = Field(250.0, gt=0)


class SandboxSettings(BaseModel):
    """Running untrusted snippets (/run, /demo) in bubblewrap; see docs/sandbox.md."""

    python: Path = Path("/usr/bin/python3")  # Debian's; the venv's Python is not visible inside
    concurrency: int = Field(0, ge=0, le=64)  # 0 = the number of CPU cores
    queue: int = Field(8, ge=0, le=1000)
    pool: int = Field(2, ge=0, le=16)
    cooldown_s: float = Field(3.0, ge=0)
    wall_s: float = Field(5.0, gt=0, le=120)
    cpu_s: int = Field(10, ge=1, le=600)
    memory_mb: int = Field(512, ge=64)
    tree_memory_mb: int = Field(384, ge=32)
    processes: int = Field(32, ge=1, le=4096)
    file_mb: int = Field(8, ge=1)
    open_files: int = Field(64, ge=16)
    uid: int = Field(65534, ge=1)
    # The sandbox as a service (python -m bot.sandbox --listen ...). URL set: this bot sends its
    # runs there (comma-separated: spread, failed over) and starts no sandbox of its own.
    url: str | None = None  # http://host:port or unix:/path/to.sock, comma-separated
    token: SecretStr | None = None  # the bearer token both sides share
    max_body_kb: int = Field(1024, ge=16, le=65536)  # the service refuses larger requests
    socket_mode: Literal["0600", "0660"] = "0660"  # the service's unix socket
    socket_gid: int | None = Field(None, ge=0)  # its group (who else may connect), if not ours

    _none = field_validator("url", "token", "socket_gid", mode="before")(_empty_is_none)

    @field_validator("url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        if value is None:
            return None
        urls = [u.strip() for u in value.split(",") if u.strip()]
        if not urls or not all(u.startswith(("http://", "https://", "unix:/")) for u in urls):
            raise ValueError("expected http://host:port or unix:/path, comma-separated")
        return value

    @field_validator("token")
    @classmethod
    def _token_fits_a_header(cls, value: SecretStr | None) -> SecretStr | None:
        text = value.get_secret_value() if value else ""
        if text and not (text.isascii() and text.isprintable() and " " not in text):
            raise ValueError("the token goes in an HTTP header: printable ASCII, no spaces")
        return value

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(u.strip() for u in (self.url or "").split(",") if u.strip())

    def remote(self):  # -> bot.sandbox.RemoteConfig
        from bot.sandbox import RemoteConfig

        return RemoteConfig(urls=self.urls, cooldown_s=self.cooldown_s,
                            token=self.token.get_secret_value() if self.token else None)

    def config(self):  # -> bot.sandbox.Config (imported lazily: settings stay light)
        from bot.sandbox import Config, Limits

        return Config(python=self.python, uid=self.uid, concurrency=self.concurrency,
                      queue=self.queue, pool=self.pool, cooldown_s=self.cooldown_s,
                      limits=Limits(wall_s=self.wall_s, cpu_s=self.cpu_s, memory_mb=self.memory_mb,
                                    tree_memory_mb=self.tree_memory_mb, processes=self.processes,
                                    file_mb=self.file_mb, open_files=self.open_files))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    default_lang: Lang = Field("hi", description="language when neither user nor chat chose one")
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()
    storage: StorageSettings = StorageSettings()
    content: ContentSettings = ContentSettings()
    log: LogSettings = LogSettings()
    practice: PracticeSettings = PracticeSettings()
    health: HealthSettings = HealthSettings()
    sandbox: SandboxSettings = SandboxSettings()

    @model_validator(mode="after")
    def _a_fleet_webhook_needs_a_secret(self) -> Settings:
        # With PostgreSQL the bot may run as many processes behind a load balancer, whose
        # webhook port is reachable by more than Telegram: without the secret header anyone
        # who finds the URL could post updates as any user.
        tg = self.telegram
        if (tg.token is not None and tg.mode == "webhook" and self.storage.url is not None
                and tg.webhook_secret is None):
            raise ValueError("TELEGRAM__MODE=webhook with STORAGE__URL (processes behind a load"
                             " balancer) needs TELEGRAM__WEBHOOK_SECRET, the header Telegram"
                             " sends with each update")
        return self


class SettingsError(Exception):
    """A bad setting, explained in one line that names it and what is expected."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "__".join(str(p) for p in err["loc"]).upper() or "settings"
        got = err.get("input")
        secret = bool(err["loc"]) and str(err["loc"][-1]) in SECRET_FIELDS
        shown = "" if isinstance(got, dict) or secret else f" (got {got!r:.60})"
        more = f"; and {len(exc.errors()) - 1} more" if len(exc.errors()) > 1 else ""
        message = err["msg"].removeprefix("Value error, ")
        if len(err["loc"]) <= 1 and err["type"] == "value_error":
            # A rule between settings (of a section, or of several): its message names them.
            raise SettingsError(f"invalid settings: {message}{more}") from None
        raise SettingsError(f"invalid setting {name}: {message}{shown}{more}") from None
