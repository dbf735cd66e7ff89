"""Settings, read once in `__main__` from the environment and `.env`, then passed down.

Nested names use `__`: `DISCORD__TOKEN`, `TELEGRAM__TOKEN`, `STORAGE__PATH`. An empty token
means "not configured"; a token's format is never judged here, only by the platform's answer.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.types import Lang

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _empty_is_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class DiscordSettings(BaseModel):
    token: SecretStr | None = None
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str | None = None
    dev_guild_id: int | None = None

    _none = field_validator("token", "gateway_url", "dev_guild_id", mode="before")(_empty_is_none)


class TelegramSettings(BaseModel):
    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"

    _none = field_validator("token", mode="before")(_empty_is_none)


class StorageSettings(BaseModel):
    path: Path = Path("./data/async-guru.sqlite3")


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


class SandboxSettings(BaseModel):
    """Running untrusted snippets (/run, /demo) in bubblewrap; see README.sandbox.md."""

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
    sandbox: SandboxSettings = SandboxSettings()


class SettingsError(Exception):
    """A bad setting, explained in one line that names it and what is expected."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "__".join(str(p) for p in err["loc"]).upper() or "settings"
        got = err.get("input")
        shown = "" if isinstance(got, dict) else f" (got {got!r:.60})"
        more = f"; and {len(exc.errors()) - 1} more" if len(exc.errors()) > 1 else ""
        raise SettingsError(f"invalid setting {name}: {err['msg']}{shown}{more}") from None
