"""The team database's tables (SQLAlchemy Core). Times are Unix seconds (float) on every backend.

Changing a table here needs a new Alembic revision in `migrations/versions/`; the test
`tests/graph/db/test_migrations.py` fails while the two differ.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255)),  # NULL until the user sets one at first login
    Column("setup_hash", String(255)),  # the one-time code of `kepu users add`, until first login
    Column("created_at", Float, nullable=False),
    Column("created_by", String(64), nullable=False, default=""),
    Column("disabled", Boolean, nullable=False, default=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the token
    Column("label", String(64), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("last_used_at", Float),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index(None, "name", "at"),
    Index(None, "ip", "at"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("user", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(128), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),  # JSON
)

# Every answer given to the public (web and WeChat): the dashboard's figures and what a rating rates.
questions = Table(
    "questions",
    metadata,
    Column("id", String(32), primary_key=True),  # the answer id handed out with the answer
    Column("at", Float, nullable=False, index=True),
    Column("channel", String(8), nullable=False),  # web | wechat | api
    Column("asker", String(128), nullable=False, default="", index=True),
    Column("text", Text, nullable=False),
    Column("intent", String(16), nullable=False),
    Column("outcome", String(12), nullable=False),  # answered | suggested | abstained
    Column("material_id", String(128)),
    Column("citation", Text),  # the clause or passage the answer rests on
    Column("answer", Text, nullable=False, default=""),  # the text the asker was shown
    Column("confidence", Float, nullable=False, default=0.0),
    # Covering indexes of the dashboard's per-day and per-material counts.
    Index(None, "at", "outcome"),
    Index(None, "at", "intent", "material_id"),
)

queue_groups = Table(
    "queue_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),  # the wording of its first message
    Column("status", String(8), nullable=False, default="open"),  # open | closed
    Column("created_at", Float, nullable=False),
    Column("last_at", Float, nullable=False),
    Column("centroid", LargeBinary, nullable=False),  # float32 unit vector of its first message (leader)
    Column("size", Integer, nullable=False, default=0),
    Column("material_id", String(128)),
    Column("closed_at", Float),
    Column("closed_by", String(64)),
    Index(None, "status", "last_at"),
)

queue_messages = Table(
    "queue_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("question_id", String(32), nullable=False, unique=True),
    Column("at", Float, nullable=False, index=True),
    Column("channel", String(8), nullable=False),
    Column("asker", String(128), nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("vector", LargeBinary),  # float32 unit vector; NULL until grouped
    Column("group_id", Integer, ForeignKey("queue_groups.id", ondelete="SET NULL"), index=True),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("question_id", String(32), nullable=False, index=True),
    Column("rating", String(8), nullable=False),  # useful | useless
    Column("reason", Text, nullable=False, default=""),
    Column("channel", String(8), nullable=False),
    UniqueConstraint("question_id"),  # one rating per answer; a second one replaces it
)

pushes = Table(
    "pushes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("openid", String(128), nullable=False),
    Column("group_id", Integer, nullable=False),
    Column("material_id", String(128), nullable=False),
    Column("content", Text, nullable=False),
    Column(
        "status", String(10), nullable=False, default="queued"
    ),  # queued | sending | sent | refused | expired
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float),
    Column("last_error", Text, nullable=False, default=""),
    UniqueConstraint("openid", "group_id"),  # never sent twice
    Index(None, "status", "next_at"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("material_id", String(128), primary_key=True),
    Column("state", String(12), nullable=False),  # draft | submitted | sent_back | approved | retired
    Column("author", String(64), nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("group_id", Integer),  # the queue group it was drafted from
    Column("file_hash", String(64), nullable=False, default=""),  # content hash of the file last written
)

team_settings = Table(
    "team_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
