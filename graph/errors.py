"""Errors of the graph package.

    GraphError                 base; `user_message` is Chinese, str() is English for logs
    ├── StoreUnavailable       a store cannot be opened or reached
    ├── PlanNotFound           no plan with that id
    ├── QueryError             a SPARQL/Cypher query failed
    ├── ModelUnavailable       the sentence encoder's files are missing or broken
    ├── MaterialInvalid        a 科普 material's front matter is wrong (names file and field)
    ├── MaterialNotFound       no material with that id
    └── IndexUnavailable       the passage index has not been built or cannot be read
"""

from __future__ import annotations


class GraphError(Exception):
    user_message = "图谱服务出错，请稍后再试。"

    def __init__(self, message: str, user_message: str | None = None):
        super().__init__(message)
        if user_message:
            self.user_message = user_message


class StoreUnavailable(GraphError):
    user_message = "图谱存储暂时不可用。"


class PlanNotFound(GraphError):
    user_message = "未找到该方案。"


class QueryError(GraphError):
    user_message = "查询语句有误。"


class ModelUnavailable(GraphError):
    user_message = "语义模型未就绪，请先运行 make model。"


class MaterialInvalid(GraphError):
    user_message = "素材格式有误。"

    def __init__(self, file: str, field: str, problem: str):
        # `problem` is Chinese: it reaches staff verbatim through the CLI and the admin API.
        super().__init__(f"invalid material {file}: field {field!r}: {problem}", f"{file}：字段 {field} {problem}")
        self.file = file
        self.field = field
        self.problem = problem


class MaterialNotFound(GraphError):
    user_message = "未找到该素材。"


class IndexUnavailable(GraphError):
    user_message = "辟谣素材库尚未建立，请先运行 kepu ingest corpus。"
