"""Errors of the team's capability; each carries a Chinese `user_message` and an HTTP status.

TeamError
├── NotSignedIn        401  no credential, or an expired / unknown one
├── Forbidden          403  signed in, but the role does not allow it (or a bad CSRF token)
├── TooManyAttempts    429  login attempts over the limit
├── NotFound           404
├── Conflict           409  e.g. the name is taken, the file changed on disk meanwhile
└── InvalidInput       422
"""

from __future__ import annotations


class TeamError(Exception):
    status = 400
    user_message = "请求无法完成。"

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message


class NotSignedIn(TeamError):
    status = 401
    user_message = "请先登录。"


class Forbidden(TeamError):
    status = 403
    user_message = "您的角色没有权限进行此操作。"


class TooManyAttempts(TeamError):
    status = 429
    user_message = "登录失败次数过多，请 15 分钟后再试。"


class NotFound(TeamError):
    status = 404
    user_message = "未找到。"


class Conflict(TeamError):
    status = 409


class InvalidInput(TeamError):
    status = 422
