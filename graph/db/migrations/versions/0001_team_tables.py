"""The team's tables: users, tokens, sessions, login failures, audit, questions, queue, feedback,
push jobs, reviews, settings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("setup_hash", sa.String(255)),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_used_at", sa.Float),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64)),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_web_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_name_at", "login_failures", ["name", "at"])
    op.create_index("ix_login_failures_ip_at", "login_failures", ["ip", "at"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("user", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(128), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit"),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32)),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("asker", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("intent", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("material_id", sa.String(128)),
        sa.Column("citation", sa.Text),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_questions"),
    )
    op.create_index("ix_questions_at", "questions", ["at"])
    op.create_index("ix_questions_asker", "questions", ["asker"])
    op.create_index("ix_questions_at_outcome", "questions", ["at", "outcome"])
    op.create_index("ix_questions_at_intent_material_id", "questions", ["at", "intent", "material_id"])
    op.create_table(
        "queue_groups",
        sa.Column("id", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("last_at", sa.Float, nullable=False),
        sa.Column("centroid", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("material_id", sa.String(128)),
        sa.Column("closed_at", sa.Float),
        sa.Column("closed_by", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_queue_groups"),
    )
    op.create_index("ix_queue_groups_status_last_at", "queue_groups", ["status", "last_at"])
    op.create_table(
        "queue_messages",
        sa.Column("id", sa.Integer),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("asker", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("vector", sa.LargeBinary),
        sa.Column("group_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_queue_messages"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["queue_groups.id"],
            name="fk_queue_messages_group_id_queue_groups",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("question_id", name="uq_queue_messages_question_id"),
    )
    op.create_index("ix_queue_messages_at", "queue_messages", ["at"])
    op.create_index("ix_queue_messages_group_id", "queue_messages", ["group_id"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("question_id", name="uq_feedback_question_id"),
    )
    op.create_index("ix_feedback_at", "feedback", ["at"])
    op.create_index("ix_feedback_question_id", "feedback", ["question_id"])
    op.create_table(
        "pushes",
        sa.Column("id", sa.Integer),
        sa.Column("openid", sa.String(128), nullable=False),
        sa.Column("group_id", sa.Integer, nullable=False),
        sa.Column("material_id", sa.String(128), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pushes"),
        sa.UniqueConstraint("openid", "group_id", name="uq_pushes_openid_group_id"),
    )
    op.create_index("ix_pushes_status_next_at", "pushes", ["status", "next_at"])
    op.create_table(
        "reviews",
        sa.Column("material_id", sa.String(128)),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("group_id", sa.Integer),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("material_id", name="pk_reviews"),
    )
    op.create_table(
        "team_settings",
        sa.Column("key", sa.String(64)),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_team_settings"),
    )


def downgrade() -> None:
    for table in (
        "team_settings",
        "reviews",
        "pushes",
        "feedback",
        "queue_messages",
        "queue_groups",
        "questions",
        "audit",
        "login_failures",
        "web_sessions",
        "api_tokens",
        "users",
    ):
        op.drop_table(table)
