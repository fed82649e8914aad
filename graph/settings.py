"""Settings read from the environment (and overridden by CLI flags).

Every path the project writes lives under the data directory.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = PROJECT_ROOT / ".cache" / "models" / "multilingual-e5-small"
BUNDLED_PLANS_DIR = PROJECT_ROOT / "corpus" / "plans"
BUNDLED_MATERIALS_DIR = PROJECT_ROOT / "corpus" / "materials"
UNIT_REGISTRY_PATH = PROJECT_ROOT / "corpus" / "units.yaml"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    """A non-negative integer setting; an unusable value falls back to the default with a warning."""
    raw = _env(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        warnings.warn(f"{name}={raw!r} is not a non-negative integer; using {default}", stacklevel=2)
        return default
    return value


def _env_choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first is the default); anything else falls back with a warning."""
    raw = _env(name)
    if raw and raw not in choices:
        warnings.warn(f"{name}={raw!r} is not one of {', '.join(choices)}; using {choices[0]}", stacklevel=2)
    return raw if raw in choices else choices[0]


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _env(name).split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    model_dir: Path = DEFAULT_MODEL_DIR
    unit_registry: Path = UNIT_REGISTRY_PATH
    graph_uri: str = ""  # empty -> embedded oxigraph store under data_dir
    graph_user: str = ""
    graph_password: str = field(default="", repr=False)
    graph_database: str = ""
    admin_token: str = field(default="", repr=False)
    redis_url: str = ""
    wechat_token: str = field(default="", repr=False)
    wechat_appid: str = ""
    wechat_aes_key: str = field(default="", repr=False)
    wechat_secret: str = field(default="", repr=False)
    wechat_api_base: str = "https://api.weixin.qq.com"
    # Protections (qa_service/http/protections.py). Rate limits are requests per minute; 0 turns one off.
    rate_limit_per_minute: int = 600  # per client IP, /api and pages
    wechat_rate_limit_per_minute: int = 20  # per WeChat user (openid), messages answered
    max_body_bytes: int = 256 * 1024  # /api and pages
    wechat_max_body_bytes: int = 64 * 1024
    cors_origins: tuple[str, ...] = ()  # none: no CORS headers at all (same-origin only)
    # Query vectors kept per process (384 floats each: 20,000 ≈ 31 MB). Viral rumours and forwarded
    # messages repeat across users; an LRU smaller than the texts in circulation hits nothing.
    query_cache_size: int = 20_000
    # onnx-int8: ONNX with int8 MatMul weights, ~2x faster than fp32, cosine ~0.997 to torch, the
    # same answers on the question sets; onnx: fp32, identical to torch; torch: sentence-transformers.
    query_engine: str = "onnx-int8"
    # > 0: concurrent uncached queries are embedded together (graph/encoder/batcher.py), a worker busy
    # elsewhere letting a new text wait up to this many ms for company. Off (0) by default: on the
    # int8 engine a text's vector then depends on its batch-mates (cosine >= 0.996, int8's own noise),
    # so the same message could be answered differently under load than alone.
    query_batch_wait_ms: int = 0
    # The team database (graph/db): empty -> SQLite in the data directory.
    database_url: str = field(default="", repr=False)
    # Days a material may stay past its review_by date before it stops being served to the public.
    review_grace_days: int = 30
    session_hours: int = 12  # a team member's sign-in lasts this long
    answer_log: bool = True  # log public answers for the team (queue, ratings, dashboard); off: KEPU_ANSWER_LOG=0

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        return cls(
            data_dir=Path(data_dir or _env("KEPU_DATA_DIR", "var")),
            model_dir=Path(_env("KEPU_MODEL_DIR") or DEFAULT_MODEL_DIR),
            unit_registry=Path(_env("KEPU_UNIT_REGISTRY") or UNIT_REGISTRY_PATH),
            graph_uri=_env("KEPU_GRAPH_URI"),
            graph_user=_env("KEPU_GRAPH_USER"),
            graph_password=_env("KEPU_GRAPH_PASSWORD"),
            graph_database=_env("KEPU_GRAPH_DATABASE"),
            admin_token=_env("KEPU_ADMIN_TOKEN"),
            redis_url=_env("KEPU_REDIS_URL"),
            wechat_token=_env("KEPU_WECHAT_TOKEN"),
            wechat_appid=_env("KEPU_WECHAT_APPID"),
            wechat_aes_key=_env("KEPU_WECHAT_AES_KEY"),
            wechat_secret=_env("KEPU_WECHAT_SECRET"),
            wechat_api_base=_env("KEPU_WECHAT_API_BASE", "https://api.weixin.qq.com"),
            rate_limit_per_minute=_env_int("KEPU_RATE_LIMIT_PER_MINUTE", 600),
            wechat_rate_limit_per_minute=_env_int("KEPU_WECHAT_RATE_LIMIT_PER_MINUTE", 20),
            max_body_bytes=_env_int("KEPU_MAX_BODY_BYTES", 256 * 1024),
            wechat_max_body_bytes=_env_int("KEPU_WECHAT_MAX_BODY_BYTES", 64 * 1024),
            cors_origins=_env_list("KEPU_CORS_ORIGINS"),
            query_cache_size=_env_int("KEPU_QUERY_CACHE_SIZE", 20_000),
            query_engine=_env_choice("KEPU_QUERY_ENGINE", ("onnx-int8", "onnx", "torch")),
            query_batch_wait_ms=_env_int("KEPU_QUERY_BATCH_WAIT_MS", 0),
            database_url=_env("KEPU_DATABASE_URL"),
            review_grace_days=_env_int("KEPU_REVIEW_GRACE_DAYS", 30),
            session_hours=_env_int("KEPU_SESSION_HOURS", 12) or 12,
            answer_log=_env("KEPU_ANSWER_LOG", "1") not in ("0", "false", "no", "off"),
        )

    def with_data_dir(self, data_dir: str | Path) -> Settings:
        return replace(self, data_dir=Path(data_dir))

    @property
    def graph_dir(self) -> Path:
        return self.data_dir / "graph"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def materials_dir(self) -> Path:
        """Curated material (admin edits) lives here; the bundled corpus seeds it."""
        return self.data_dir / "materials"
