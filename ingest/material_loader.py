"""Read 科普 material files (YAML front matter + Markdown body) into validated records and passages.

A bad file never stops a directory load: it becomes a `LoadIssue` naming the file and the field,
and the other files load. Passages keep character spans into the file's text (newlines
normalised to "\\n"), so every answer can point at the paragraph it came from.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from graph.errors import MaterialInvalid
from graph.search.material_store import STATUSES, VERDICTS, MaterialRecord, content_hash

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_PARAGRAPH_GAP = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n")
SKIPPED_FILES = {"readme.md", "review.md", "changelog.md"}  # staff notes, not materials
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_PASSAGE_CHARS = 320
# An approved material's `source` names the document it rests on, not only a body: a 《title》.
DOCUMENT_TITLE = re.compile(r"《[^《》]*\S[^《》]*》")


@dataclass
class LoadIssue:
    file: str
    field: str
    message: str  # Chinese, shown to staff as is

    def __str__(self) -> str:
        return f"{self.file}：字段 {self.field} {self.message}"


@dataclass
class LoadReport:
    materials: list[MaterialRecord] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)


def _text(meta: dict, name: str, file: str, required: bool = True) -> str:
    value = meta.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise MaterialInvalid(file, name, "缺失或为空")
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise MaterialInvalid(file, name, "应为文本")
    return str(value).strip()


def _text_list(meta: dict, name: str, file: str, required: bool = False) -> list[str]:
    value = meta.get(name)
    if value is None or value == "" or value == []:
        if required:
            raise MaterialInvalid(file, name, "缺失或为空，应为至少一条文本的列表")
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise MaterialInvalid(file, name, "应为文本列表（每项非空）")
    return [i.strip() for i in items]


def _choice(meta: dict, name: str, file: str, allowed: tuple[str, ...]) -> str:
    value = _text(meta, name, file)
    if value not in allowed:
        raise MaterialInvalid(file, name, f"取值“{value}”无效，应为以下之一：{'、'.join(allowed)}")
    return value


def _date(meta: dict, name: str, file: str, required: bool) -> str:
    value = meta.get(name)
    if value in (None, ""):
        if required:
            raise MaterialInvalid(file, name, "缺失，应为日期 YYYY-MM-DD")
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise MaterialInvalid(file, name, f"日期“{value}”无效，应为 YYYY-MM-DD")


def _source(meta: dict, file: str, approved: bool) -> str:
    source = _text(meta, "source", file)
    if approved and not DOCUMENT_TITLE.search(source):
        raise MaterialInvalid(
            file, "source",
            f"“{source}”只写了机构，没有写明所依据的文件：请用《》写出文件名称，有文号或版本的一并写上，"
            "例如：国家疾控局综合司、国家卫生健康委办公厅《狂犬病暴露预防处置工作规范（2023年版）》")
    return source


def _review_dates(meta: dict, file: str, approved: bool) -> tuple[str, str]:
    reviewed_at = _date(meta, "reviewed_at", file, required=approved)
    review_by = _date(meta, "review_by", file, required=False)
    if review_by and not reviewed_at:
        raise MaterialInvalid(file, "review_by", "已填写复核期限，但缺少 reviewed_at（上次审核日期）")
    if review_by and review_by <= reviewed_at:
        raise MaterialInvalid(file, "review_by", f"复核期限 {review_by} 应晚于审核日期 reviewed_at {reviewed_at}")
    return reviewed_at, review_by


def validate_material(meta: dict, body: str, file: str) -> MaterialRecord:
    """Check every front-matter field; raises MaterialInvalid naming the first bad field."""
    if not isinstance(meta, dict):
        raise MaterialInvalid(file, "front matter", "应为键值对（YAML 映射）")
    material_id = _text(meta, "id", file)
    if not ID_PATTERN.match(material_id):
        raise MaterialInvalid(file, "id", f"“{material_id}”无效：只能用字母、数字、-、_、.，且以字母或数字开头")
    status = _choice(meta, "status", file, STATUSES)
    url = _text(meta, "url", file, required=False)
    if url and not url.startswith(("http://", "https://")):
        raise MaterialInvalid(file, "url", "应以 http:// 或 https:// 开头")
    bundled = meta.get("bundled_sample", False)
    if not isinstance(bundled, bool):
        raise MaterialInvalid(file, "bundled_sample", "应为 true 或 false")
    approved = status == "approved"
    reviewed_at, review_by = _review_dates(meta, file, approved)
    return MaterialRecord(
        id=material_id,
        title=_text(meta, "title", file),
        claims=_text_list(meta, "claims", file, required=True),
        verdict=_choice(meta, "verdict", file, VERDICTS),
        summary=_text(meta, "summary", file),
        source=_source(meta, file, approved),
        status=status,
        updated_at=_date(meta, "updated_at", file, required=True),
        body=body,
        topics=_text_list(meta, "topics", file),
        audience=_text_list(meta, "audience", file),
        url=url,
        # Only reviewed material may be approved: the reviewer is part of the public record.
        reviewed_by=_text(meta, "reviewed_by", file, required=approved),
        reviewed_at=reviewed_at,
        review_by=review_by,
        bundled_sample=bundled,
    )


def parse_material(text: str, file: str) -> MaterialRecord:
    """Parse one file's text (front matter + body) into a validated record."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise MaterialInvalid(file, "front matter", "缺失：文件应以 --- 开头的 YAML 头信息开始，并以 --- 结束")
    try:
        meta = yaml.load(match.group(1) or "", Loader=_YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 2} 行）" if mark is not None else ""
        raise MaterialInvalid(file, "front matter", f"YAML 无法解析{where}") from exc
    record = validate_material(meta, text[match.end():], file)
    record.body_offset = match.end()
    record.source_file = file
    record.content_hash = content_hash(text)
    return record


def load_material_file(path: Path) -> MaterialRecord:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MaterialInvalid(str(path), "file", "不是 UTF-8 编码的文本") from exc
    return parse_material(text, str(path))


def material_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.md") if p.name.lower() not in SKIPPED_FILES)


def load_material_dir(directory: Path) -> LoadReport:
    """Load every `*.md` in `directory`; bad files become issues, duplicate ids keep the first file."""
    report = LoadReport()
    seen: dict[str, str] = {}
    for path in material_files(directory):
        try:
            record = load_material_file(path)
        except MaterialInvalid as exc:
            log.warning("skipping material: %s", exc)
            report.issues.append(LoadIssue(exc.file, exc.field, exc.problem))
            continue
        if record.id in seen:
            report.issues.append(LoadIssue(str(path), "id", f"“{record.id}”与 {seen[record.id]} 重复，已跳过"))
            continue
        seen[record.id] = str(path)
        report.materials.append(record)
    return report


# --- passages -----------------------------------------------------------------------------------

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_LINE_PREFIX = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.、)][ \t]+)", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def clean_markdown(text: str) -> str:
    """Plain reading text of a Markdown fragment (headings, list marks, emphasis and link targets out)."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_LINE_PREFIX.sub("", text)
    text = _MD_EMPHASIS.sub("", text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _paragraphs(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for gap in _PARAGRAPH_GAP.finditer(body):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(body)))
    out = []
    for s, e in spans:
        chunk = body[s:e]
        stripped = chunk.strip()
        if not stripped or set(stripped) <= set("-*_=# "):
            continue  # blank or a horizontal rule
        s += len(chunk) - len(chunk.lstrip())
        e -= len(chunk) - len(chunk.rstrip())
        out.append((s, e))
    return out


def _split_long(body: str, s: int, e: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut one over-long paragraph at sentence ends into pieces of at most `max_chars`."""
    cuts = [s + m.end() for m in _SENTENCE_END.finditer(body, s, e)] + [e]
    pieces, start, last = [], s, s
    for cut in cuts:
        if cut - start > max_chars and last > start:
            pieces.append((start, last))
            start = last
        while cut - start > max_chars:  # one sentence longer than a passage: hard cut
            pieces.append((start, start + max_chars))
            start += max_chars
        last = cut
    if e > start:
        pieces.append((start, e))
    return [(a + len(body[a:b]) - len(body[a:b].lstrip()), b) for a, b in pieces if body[a:b].strip()]


def split_passages(body: str, max_chars: int = MAX_PASSAGE_CHARS) -> list[tuple[int, int]]:
    """Group paragraphs into passages of at most `max_chars`; spans are offsets into `body`.

    A heading starts a new passage and stays with the paragraph after it.
    """
    passages: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    dangling_heading = False
    for s, e in _paragraphs(body):
        is_heading = body[s] == "#"
        if current and not is_heading and (dangling_heading or e - current[0] <= max_chars):
            current = (current[0], e)
        else:
            if current:
                passages.append(current)
            current = (s, e)
        dangling_heading = is_heading
    if current:
        passages.append(current)
    out: list[tuple[int, int]] = []
    for s, e in passages:
        out.extend(_split_long(body, s, e, max_chars) if e - s > max_chars else [(s, e)])
    return out


def material_passages(record: MaterialRecord) -> list[tuple[int, int, str]]:
    """(start, end, clean text) of each passage; offsets are into the source file's text."""
    out = []
    for s, e in split_passages(record.body):
        text = clean_markdown(record.body[s:e])
        if text:
            out.append((record.body_offset + s, record.body_offset + e, text))
    return out
