"""Settings (prefix INDUSCOPE_). Created explicitly and passed down; core/ never reads them."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.cwd() / "workspace"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INDUSCOPE_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="workspace folder (INDUSCOPE_HOME)")
    workers: int | None = Field(default=None, ge=1, description="worker processes of the local pool when a "
                                "command runs on --executor local and no --workers is given (default: CPU count)")
    scheduler: str | None = Field(default=None, description="Dask scheduler address (e.g. tcp://host:8786): "
                                  "commands with --executor run there when no --scheduler is given")
    executor: Literal["serial", "local", "dask"] | None = Field(
        default=None, description="where the server's background jobs compute: serial (in the web process's job "
        "thread), local (a pool of INDUSCOPE_WORKERS processes) or dask (the cluster at INDUSCOPE_SCHEDULER, else "
        "a local one); default: dask when a scheduler is set, else local")
    import_job_bytes: int = Field(default=5_000_000, ge=0, description="an API upload larger than this "
                                  "(bytes) is imported as a background job (202 and a job id)")
    actor: str | None = Field(default=None, max_length=100, description="who the audit log records for the "
                              "CLI's writes (default: cli:<OS user>; `--as NAME` overrides it)")
    engine: Literal["auto", "numba", "numpy"] = Field(
        default="auto", description="cascade engine when no --engine is given: auto (numba when installed), "
        "numba or numpy (replaces the former INDUSCOPE_NO_NUMBA switch)")
    api_token: str | None = Field(
        default=None, description="a bearer token that acts as an admin on the API (for automation; prefer "
        "per-user tokens: `induscope tokens create USER`); setting it also makes every read need a token")
    allowed_hosts: str = Field(
        default="localhost,127.0.0.1,::1", description="comma-separated Host header names the server "
        "answers (DNS-rebinding guard); '*.example.org' allows subdomains, '*' allows any")
    api_max_body_bytes: int = Field(default=2_000_000, ge=1_000,
                                    description="largest JSON request body the API accepts (bytes)")
    api_max_upload_bytes: int = Field(default=50_000_000, ge=1_000,
                                      description="largest file upload the API accepts (bytes)")
    api_max_page_size: int = Field(default=5_000, ge=10, description="most rows one API list page returns")
    token_days: int = Field(default=90, ge=1, le=3650, description="default lifetime of a new API token (days)")
    login_attempts: int = Field(default=10, ge=0, le=10_000, description="failed dashboard sign-ins one client "
                                "address may make within INDUSCOPE_LOGIN_WINDOW_MINUTES before its sign-ins are "
                                "refused (429 with Retry-After) until the window has passed; 0 turns this off")
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60, description="the window (minutes) over "
                                      "which INDUSCOPE_LOGIN_ATTEMPTS failed sign-ins are counted")
    lock_timeout: float = Field(default=30.0, gt=0, le=3600, description="seconds a reader or writer waits "
                                "for the workspace while another one writes (then: busy, HTTP 503)")

    @property
    def workspace_file(self) -> Path:
        return Path(self.home) / "workspace.duckdb"
