"""Settings, read from the environment once and passed down explicitly.

Nothing here builds an engine or touches the disk at import time: ``Settings.from_env()``
is called by the entry points (CLI, ``create_app``) and tests build their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from dastavez.exc import ConfigurationError

#: Every environment variable dastavez reads, with what it means (docs are checked against this).
ENVIRONMENT: dict[str, str] = {
    "DASTAVEZ_HOME": "folder holding the SQLite database, blobs and analytics (default ./dastavez-data)",
    "DASTAVEZ_DATABASE_URL": "SQLAlchemy URL of the relational database (default SQLite in DASTAVEZ_HOME)",
    "DASTAVEZ_USER": "user the CLI acts as (default: the admin created by `dastavez init`)",
    "DASTAVEZ_DEFAULT_REGION": "ISO country used to read national phone numbers (default PK)",
    "DASTAVEZ_SECRET_KEY": "secret for signing web cookies (default: generated once into DASTAVEZ_HOME)",
    "DASTAVEZ_SESSION_MINUTES": "idle lifetime of a web session in minutes (default 30)",
    "DASTAVEZ_SECURE_COOKIES": "set to 1 when served over HTTPS so cookies carry the Secure flag",
    "DASTAVEZ_LOG_LEVEL": "logging level (default INFO)",
    "DASTAVEZ_LEDGER_ORIGIN": "origin line of the ledger's signed checkpoints (default dastavez/ledger)",
    "DASTAVEZ_CHECKPOINT_EVERY": "sign a ledger checkpoint after this many new entries (default 1000)",
    "DASTAVEZ_MAX_EVIDENCE_BYTES": "largest evidence file accepted, in bytes (default 8 GiB)",
    "DASTAVEZ_MATCH_THRESHOLD": "score from which `dastavez match` calls two names the same (default 0.85)",
    "DASTAVEZ_STAGE_LIMITS": "days a case may stay in a stage before it is overdue, e.g. "
    "investigation=20,arguments=10 (defaults in dastavez/cases/stages.yaml)",
    "DASTAVEZ_STALL_DAYS": "days without a hearing after which a case before a court is stalled (default 45)",
    "DASTAVEZ_COMMS_ENGINE": "engine that aggregates call records: duckdb (default) or spark",
    "DASTAVEZ_SPARK_MASTER": "Spark master URL when DASTAVEZ_COMMS_ENGINE=spark (default local[2])",
}


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path("dastavez-data"))
    database_url: str | None = None
    default_region: str = "PK"
    cli_user: str | None = None
    secret_key: str | None = None
    session_minutes: int = 30
    secure_cookies: bool = False
    log_level: str = "INFO"
    #: login attempts allowed per username and per client address within the window
    login_attempts: int = 5
    login_window_seconds: int = 300
    api_token_days: int = 30
    max_upload_bytes: int = 50 * 1024 * 1024
    #: evidence files stream to disk, so their limit is far above ``max_upload_bytes``
    max_evidence_bytes: int = 8 * 1024**3
    ledger_origin: str = "dastavez/ledger"
    checkpoint_every: int = 1000
    #: a checkpoint is also signed at the first write after this many seconds without one
    checkpoint_seconds: int = 3600
    #: the score (0–1) from which two names are called a match
    match_threshold: float = 0.85
    #: per-stage time limits in days, ``STAGE=DAYS,…``, over those of ``cases/stages.yaml``
    stage_limits: str | None = None
    #: days without a hearing that make a case before a court stalled (None: ``stages.yaml``)
    stall_days: int | None = None
    #: ``duckdb`` (embedded, default) or ``spark`` for call-record aggregation
    comms_engine: str = "duckdb"
    spark_master: str = "local[2]"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        minutes = _whole(env, "DASTAVEZ_SESSION_MINUTES", 30, "a whole number of minutes")
        every = _whole(env, "DASTAVEZ_CHECKPOINT_EVERY", 1000, "a whole number of entries")
        max_evidence = _whole(env, "DASTAVEZ_MAX_EVIDENCE_BYTES", 8 * 1024**3, "a whole number of bytes")
        stall = _whole(env, "DASTAVEZ_STALL_DAYS", 45, "a whole number of days") \
            if env.get("DASTAVEZ_STALL_DAYS") else None
        return cls(
            home=Path(env.get("DASTAVEZ_HOME", "dastavez-data")),
            database_url=env.get("DASTAVEZ_DATABASE_URL") or None,
            default_region=env.get("DASTAVEZ_DEFAULT_REGION", "PK").upper(),
            cli_user=env.get("DASTAVEZ_USER") or None,
            secret_key=env.get("DASTAVEZ_SECRET_KEY") or None,
            session_minutes=minutes,
            secure_cookies=env.get("DASTAVEZ_SECURE_COOKIES", "") == "1",
            log_level=env.get("DASTAVEZ_LOG_LEVEL", "INFO").upper(),
            ledger_origin=env.get("DASTAVEZ_LEDGER_ORIGIN", "").strip() or "dastavez/ledger",
            checkpoint_every=every,
            match_threshold=_fraction(env, "DASTAVEZ_MATCH_THRESHOLD", 0.85),
            max_evidence_bytes=max_evidence,
            stage_limits=env.get("DASTAVEZ_STAGE_LIMITS") or None,
            stall_days=stall,
            comms_engine=_choice(env, "DASTAVEZ_COMMS_ENGINE", "duckdb", ("duckdb", "spark")),
            spark_master=env.get("DASTAVEZ_SPARK_MASTER", "").strip() or "local[2]",
        )

    @property
    def url(self) -> str:
        """The database URL in force: the configured one, or SQLite inside ``home``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'dastavez.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]  # dataclasses.replace is untyped in kwargs

    def resolved_secret(self) -> str:
        """The cookie-signing secret: configured, or generated once into ``home``."""
        if self.secret_key:
            return self.secret_key
        import secrets

        path = self.home / "secret.key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(secrets.token_urlsafe(48))
            tmp.chmod(0o600)
            tmp.replace(path)
        return path.read_text().strip()


def _whole(env: dict[str, str], name: str, default: int, what: str) -> int:
    try:
        value = int(env.get(name, str(default)))
    except ValueError as err:
        raise ConfigurationError(f"{name} must be {what}") from err
    if value < 1:
        raise ConfigurationError(f"{name} must be {what}, at least 1")
    return value


def _choice(env: dict[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name, "").strip() or default).lower()
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _fraction(env: dict[str, str], name: str, default: float) -> float:
    try:
        value = float(env.get(name, str(default)))
    except ValueError as err:
        raise ConfigurationError(f"{name} must be a number between 0 and 1") from err
    if not 0.0 < value <= 1.0:
        raise ConfigurationError(f"{name} must be a number between 0 and 1")
    return value
