"""Turn a public rumour-and-rebuttal collection into kepu material files, for evaluation only.

    .venv/bin/python -m bench.rumor_corpus_import SRC_DIR OUT_DIR

SRC_DIR holds the CSV exports (title, url, date, text) of debunking accounts as published in the
HRDE repository (github.com/hush-cd/HRDE, `data/reference_date/`); OUT_DIR receives one material
file per debunk (`materials/`), in kepu's format, with the outlet's own title, wording and text.
A material's source names the outlet and, in 《》, the debunk article it was converted from.
The articles belong to their publishers, so neither the CSVs nor the converted files are committed:
the evaluation reads them from KEPU_RUMOR_EVAL_DIR (see README, "Evaluation corpora").

Only debunks whose title asks about a claim (ends a clause with a question mark) and whose text
survives cleaning with at least MIN_BODY characters are kept; near-duplicate titles (the same
debunk reposted) are merged. Ids are derived from the outlet and the title, so re-running the import
gives the same files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from pathlib import Path

import yaml

SOURCES = {  # CSV file -> (id prefix, outlet named as the source)
    "公众号-科学辟谣.csv": ("kxpy", "“科学辟谣”平台（中国科协等主办）"),
    "公众号-谣言过滤器.csv": ("yyglq", "“谣言过滤器”（微信官方辟谣平台）"),
    "科信食品与健康信息交流中心.csv": ("kxsp", "科信食品与健康信息交流中心"),
    "公众号-辟谣助手.csv": ("pyzs", "“辟谣助手”公众号"),
}
MIN_BODY = 300
MAX_BODY = 1600
_PREFIX = re.compile(r"^(健康真知|瘤言蜚语|答题赢红包|刨根|热搜第一)\s*[｜|！!]\s*")
_DATE_LINE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*\S{0,8}\s")
_TAIL = re.compile(
    r"(往期回顾|你可能还想看|参考文献|参考资料|var first_sceen|关注科学辟谣|好消息！辟谣“朋友圈”|本文由“科学辟谣”).*",
    re.S,
)
_CREDITS = re.compile(
    r"^.{0,400}?(审核\s*[|｜][^。]{0,80}?(主任|教授|研究员|医师|专家|编辑)[^。]{0,30}?)(?=流言|传言|网传|近日|[\u4e00-\u9fff]{2})"
)
_SENTENCE = re.compile(r"[^。！？]+[。！？]")
_REBUTTAL = re.compile(r"实际上|其实|并不|并非|没有|不会|不能|真相|事实上|分析|误区|不靠谱|不科学")


def clean_text(raw: str) -> str:
    text = re.sub(r"\s+", " ", raw).strip()
    m = _DATE_LINE.search(text[:1500])
    if m:
        text = text[m.end() :]
    text = _TAIL.sub("", text)
    text = re.sub(r"(版权图库图片，不授权转载|图片来源：\S+|\*?头图来源自\S+)", "", text)
    m = _CREDITS.match(text)
    if m:
        text = text[m.end() :]
    at = text.find("流言", 0, 300)
    if at >= 0:
        text = text[at + 2 :]
    return text.strip()


def claims_of(title: str) -> list[str]:
    title = _PREFIX.sub("", title.strip())
    parts = [p.strip() for p in re.findall(r"[^？?！!]+[？?]", title)]
    parts = [p if p.count("“") == p.count("”") else p.replace("“", "").replace("”", "") for p in parts]
    return [p for p in parts if len(p) >= 4][:2]


def summary_of(body: str) -> str:
    # 科学辟谣 articles run 流言 (the rumour) ... 分析 (the analysis) ... 结论: the analysis opens the rebuttal.
    for marker in ("结论", "分析"):
        at = body.find(marker)
        if 0 <= at < len(body) - 40:
            body = body[at + len(marker) :]
            break
    sentences = [s.strip() for s in _SENTENCE.findall(body) if len(s.strip()) >= 8]
    picked = [s for s in sentences if _REBUTTAL.search(s)][:2] or sentences[:2]
    out = "".join(picked)
    return out.lstrip("，,：:、；; ")[:240]


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


def paragraphs(body: str) -> str:
    """Break the flattened text into paragraphs of a few sentences (the loader splits passages on them)."""
    sentences = _SENTENCE.findall(body[:MAX_BODY])
    out, current = [], ""
    for s in sentences:
        current += s
        if len(current) >= 160:
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return "\n\n".join(out)


def convert(src: Path, out: Path) -> list[dict]:
    rows_out, seen = [], []
    csv.field_size_limit(10**9)
    for name, (prefix, outlet) in SOURCES.items():
        path = src / name
        if not path.is_file() or path.stat().st_size == 0:
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                title = _PREFIX.sub("", " ".join(row.get("title", "").split()))
                claims = claims_of(title)
                body = clean_text(row.get("text", ""))
                if not claims or len(body) < MIN_BODY:
                    continue
                grams = _bigrams(claims[0])
                if any(len(grams & g) / max(len(grams | g), 1) > 0.5 for g in seen):
                    continue
                seen.append(grams)
                digest = hashlib.sha1(f"{prefix}:{title}".encode()).hexdigest()[:10]
                date = (row.get("date") or "2024-01-01").strip()[:10]
                rows_out.append(
                    {
                        "id": f"{prefix}-{digest}",
                        "title": title,
                        "claims": claims,
                        "verdict": "谣言",
                        "summary": summary_of(body) or claims[0],
                        "source": f"{outlet}《{title}》",  # the debunk article itself
                        "url": row.get("url", "").strip() if row.get("url", "").startswith("http") else None,
                        "status": "approved",
                        "reviewed_by": outlet,
                        "reviewed_at": date,
                        "updated_at": date,
                        "body": paragraphs(body),
                    }
                )
    target = out / "materials"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.md"):
        old.unlink()
    for r in rows_out:
        meta = {k: v for k, v in r.items() if k != "body" and v is not None}
        text = (
            "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + r["body"] + "\n"
        )
        (target / f"{r['id']}.md").write_text(text, encoding="utf-8")
    return rows_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    rows = convert(args.src, args.out)
    with (args.out / "materials.tsv").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(f"{r['id']}\t{' / '.join(r['claims'])}\n")
    print(f"{len(rows)} materials -> {args.out / 'materials'}")


if __name__ == "__main__":
    main()
