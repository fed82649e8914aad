"""Errors of the team database.

DatabaseError            base; `user_message` is Chinese
├── DatabaseUnavailable  cannot connect or open it (wrong URL, server down, disk)
└── MigrationFailed      the schema could not be brought up to date
"""

from __future__ import annotations


class DatabaseError(Exception):
    user_message = "数据库暂时不可用，请稍后再试。"

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message


class DatabaseUnavailable(DatabaseError):
    pass


class MigrationFailed(DatabaseError):
    user_message = "数据库结构升级失败，请联系管理员查看日志。"
