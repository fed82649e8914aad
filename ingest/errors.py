"""Errors of the ingest package.

    IngestError                base; `user_message` is Chinese and names the file (and line),
    │                          str() is English for logs; `.file`, `.line`
    ├── EmptyFile              no text at all
    ├── UnsupportedFormat      not .txt/.md/.docx/.pdf, or binary content behind such a name
    │   ├── CorruptFile        a .docx/.pdf that cannot be opened
    │   │   ├── EmptyPdf       a PDF without a single page
    │   │   └── EncryptedPdf   a PDF locked with a password
    │   ├── NoTextLayer        a PDF without a text layer that OCR cannot read (OCR missing)
    │   └── NoTextFound        a scan (image or image-only PDF) in which OCR finds no text
    ├── NoStructure            text without numbered chapters, sections or measures
    └── UnbalancedNote         a responsibility note whose brackets do not close
"""

from __future__ import annotations


class IngestError(Exception):
    """Base of every error a user can cause by handing us a file."""

    problem = "无法导入"  # Chinese description of what went wrong, completed by subclasses

    def __init__(self, message: str, file: str = "", line: int | None = None, *,
                 detail: str = "", unit: str = "行"):
        super().__init__(f"{file or '<text>'}" + (f":{line}" if line else "") + f": {message}")
        self.file = file
        self.line = line
        self.detail = detail  # Chinese detail appended to the user message
        self.unit = unit  # 行 for text, 段 for Word paragraphs, 页 for PDF pages

    @property
    def user_message(self) -> str:
        where = f"文件“{self.file}”" if self.file else "文本"
        if self.line:
            where += f"第{self.line}{self.unit}"
        text = f"{where}：{self.problem}"
        return f"{text}（{self.detail}）。" if self.detail else f"{text}。"


class EmptyFile(IngestError):
    problem = "文件为空，没有可导入的文字"


class UnsupportedFormat(IngestError):
    problem = "不支持的文件格式，请提供 .txt、.md、.docx、.pdf 文件或 .png、.jpg 扫描图片"


class CorruptFile(UnsupportedFormat):
    problem = "文件已损坏或无法打开"


class EmptyPdf(CorruptFile):
    problem = "PDF 文件中没有任何页面"


class EncryptedPdf(CorruptFile):
    problem = "PDF 文件已加密（需要密码才能打开），请先解除密码保护再导入"


class NoTextFound(UnsupportedFormat):
    problem = "扫描件中没有识别出文字（图片可能是空白的或太模糊），请提供清晰的扫描件或可复制文字的文件"


class NoTextLayer(UnsupportedFormat):
    problem = "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或 Word 文件"


class NoStructure(IngestError):
    problem = "未识别出方案结构，应有“一、”“（一）”“1.”等编号的章节和措施条目"


class UnbalancedNote(IngestError):
    problem = "责任单位说明的括号不成对，请检查“（责任单位：……）”是否缺少括号"
