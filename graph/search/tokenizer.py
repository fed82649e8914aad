"""Word tokens for BM25 and term overlap: a private jieba instance, a user dictionary, stop words.

jieba's module-level tokenizer is shared with other components; ours is a separate
`jieba.Tokenizer()` so that our user dictionary never changes how they segment.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

# Words that say nothing about *which* claim is meant: particles, pronouns, question frames and
# the vocabulary of forwarding and rumour-talk itself.
_STOPWORD_TEXT = """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 哈 啦 哇 喔 噢 呗 嗯 是 不是 就是 还是 都是 也是 有 没有 有没有
    会 会不会 能 能不能 可以 可不可以 要 不要 真 真的 假 假的 是否 是不是 这 那 这个 那个 这些 那些 这样 那样
    这么 那么 什么 怎么 怎么样 怎样 为什么 为何 如何 多少 哪 哪些 哪个 吗 说 说法 听说 网传 据说 传言 传闻
    有人 有人说 网上 朋友圈 群里 转发 大家 一个 一些 一种 一定 就 都 也 还 又 再 才 和 与 及 以及 或 或者 跟
    同 在 对 把 被 让 给 从 向 于 以 为 因为 所以 如果 但是 但 而 而且 并 并且 之 其 我 你 您 他 她 它 我们
    你们 他们 她们 它们 自己 人 们 的话 请问 知道 告诉 一下 到底 究竟 确实 其实 真相 谣言 辟谣 靠谱 不 没 很
    更 最 太 非常 特别 已经 正在 还有 这种 那种 一样 可能 应该 需要 得到 看看 看到 相信 注意 提醒 赶紧 千万
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD_CHAR = re.compile(r"[0-9a-zA-Z\u3400-\u9fff]")


def read_userdict(path: Path) -> list[str]:
    """User-dictionary lines (jieba format: `word [freq] [tag]`), comments and blanks dropped."""
    if not Path(path).is_file():
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _base_dictionary() -> jieba.Tokenizer:
    base = jieba.Tokenizer()
    base.initialize()
    return base


class TextTokenizer:
    """Search-mode jieba tokens, lower-cased, without punctuation or stop words."""

    def __init__(self, userdict: Path | Iterable[str] | None = None):
        lines = read_userdict(userdict) if isinstance(userdict, Path | str) else list(userdict or [])
        self.userdict = lines
        self.fingerprint = hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]
        self._jieba = jieba.Tokenizer()
        self._ready = False
        self._lock = threading.Lock()

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            base = _base_dictionary()
            # Copying the loaded prefix dictionary (jieba 0.42 keeps it in FREQ/total) is ~20x
            # cheaper than loading it again, and add_word below only touches our copy.
            self._jieba.FREQ, self._jieba.total = dict(base.FREQ), base.total
            self._jieba.initialized = True
            for line in self.userdict:
                parts = line.split()
                freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
                self._jieba.add_word(parts[0], freq)
            self._ready = True

    def is_word(self, word: str) -> bool:
        """Whether jieba's dictionary (or ours) lists `word`: a misspelling (流敢) usually is not."""
        self._ensure_ready()
        return self._jieba.FREQ.get(word, 0) > 0

    def words(self, text: str) -> list[str]:
        """Plain jieba words (no search-mode sub-words), stop words and punctuation dropped."""
        self._ensure_ready()
        return [w for w in (t.strip().lower() for t in self._jieba.cut(text, HMM=True))
                if w and w not in STOPWORDS and _WORD_CHAR.search(w)]

    def tokens(self, text: str) -> list[str]:
        """BM25 tokens: search mode also emits the shorter words inside long ones (降血压 -> 血压)."""
        self._ensure_ready()
        return [w for w in (t.strip().lower() for t in self._jieba.cut_for_search(text, HMM=True))
                if w and w not in STOPWORDS and _WORD_CHAR.search(w)]


@lru_cache(maxsize=4)
def _shared(lines: tuple[str, ...]) -> TextTokenizer:
    return TextTokenizer(list(lines))


def shared_tokenizer(userdict: Path | Iterable[str]) -> TextTokenizer:
    """One tokenizer per distinct user dictionary per process (each jieba instance costs ~50 MB)."""
    lines = read_userdict(userdict) if isinstance(userdict, Path | str) else list(userdict)
    return _shared(tuple(lines))
