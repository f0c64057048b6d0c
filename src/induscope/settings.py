"""Settings (prefix INDUSCOPE_). Created explicitly and passed down; core/ never reads them."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.cwd() / "workspace"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INDUSCOPE_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="workspace folder (INDUSCOPE_HOME)")
    max_problems: int = 100
    workers: int | None = Field(default=None, description="local process pool size (default: CPU count)")
    scheduler: str | None = Field(default=None, description="Dask scheduler address, e.g. tcp://host:8786")
    api_token: str | None = Field(default=None, description="if set, write endpoints require this bearer token")

    @property
    def workspace_file(self) -> Path:
        return Path(self.home) / "workspace.duckdb"
