"""The one jieba tokenizer: word tokens for BM25 and term overlap, a private jieba instance, a
user dictionary and a named stop-word list ("claims" for the rumour side, "policy" for policy
questions, whose scaffolding words 谁/负责/牵头 say what is asked, not what it is about).

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
# Question scaffolding and function words of policy questions.
_POLICY_STOPWORD_TEXT = """
    谁 由谁 找谁 归谁 哪 哪个 哪些 哪几 哪几个 哪家 哪位 哪里 什么 啥 多少 几 几个 几项 几条 几所 几家
    部门 单位 机构 科室 负责 负责人 牵头 挑头 领头 带头 主抓 抓总 配合 参与 承担 落实 主管 管 归 抓 干 做 搞
    是 的 了 吗 呢 吧 啊 呀 哦 么 和 与 及 或 等 跟 同 对 把 给 被 为 以 就 也 又 并 而 且 之 其
    这 那 这个 那个 这些 那些 这事 那事 这块 那块 这方面 一块 一项 一下 它 它们 他 他们 她 其中 该
    还 还有 有 有没有 都 都有 要 需要 应该 会 能 可以 在 里 里面 中 上 下 来 去 到 从 向 由 将 让
    事 事情 事儿 工作 任务 措施 举措 内容 方面 部分 项 条 方案 规划 实施方案 文件 具体 主要 分别 所有 哪方面
    我 我们 咱 咱们 你 你们 您 请问 想 问 知道 一个 个 些 方 地 得 着 过 吧 呢 嘛
    目标 指标 量化 数字 要求 情况 问题 相关 有关 涉及 包括 包含 分为 组成 环节
    责任 职责 责任单位 牵头单位 配合单位
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
STOPWORD_LISTS = {"claims": STOPWORDS, "policy": frozenset(_POLICY_STOPWORD_TEXT.split())}
_WORD_CHAR = re.compile(r"[0-9a-zA-Z\u3400-\u9fff]")
_PUNCT = re.compile(r"^[\W_]+$")
POLICY_WORD_FREQ = 3000  # plan words (unit names, titles) are kept whole


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
    """Search-mode jieba tokens without punctuation or stop words. The rumour side's defaults:
    lower-cased, HMM guesses on, tokens need a word character. `policy_tokenizer` below gives the
    policy side's: as written, no HMM (unknown words split into characters exactly as the index
    does), only all-punctuation tokens dropped."""

    def __init__(self, userdict: Path | Iterable[str] | None = None, *, stopwords: str = "claims",
                 hmm: bool = True, lower: bool = True, words: Iterable[tuple[str, int | None]] = ()):
        lines = read_userdict(userdict) if isinstance(userdict, Path | str) else list(userdict or [])
        self.userdict = lines
        self.fingerprint = hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]
        self.stopwords = STOPWORD_LISTS[stopwords]
        self.hmm = hmm
        self.lower = lower
        self._keep = _has_word_char if lower else _not_punct
        self._words = list(words)  # (word, freq) added as they are (words may hold spaces)
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
            for word, freq in self._words:
                self._jieba.add_word(word, freq=freq)
            self._ready = True

    def is_word(self, word: str) -> bool:
        """Whether jieba's dictionary (or ours) lists `word`: a misspelling (流敢) usually is not."""
        self._ensure_ready()
        return self._jieba.FREQ.get(word, 0) > 0

    def words(self, text: str) -> list[str]:
        """Plain jieba words (no search-mode sub-words), stop words and punctuation dropped."""
        self._ensure_ready()
        return self._filter(self._jieba.cut(text, HMM=self.hmm))

    def tokens(self, text: str) -> list[str]:
        """BM25 tokens: search mode also emits the shorter words inside long ones (降血压 -> 血压)."""
        self._ensure_ready()
        return self._filter(self._jieba.cut_for_search(text, HMM=self.hmm))

    # The policy side's names for the same two jobs.
    index_tokens = tokens
    content_words = words

    def _filter(self, pieces) -> list[str]:
        out = []
        for piece in pieces:
            word = piece.strip()
            if self.lower:
                word = word.lower()
            if word and word not in self.stopwords and self._keep(word):
                out.append(word)
        return out


def _has_word_char(word: str) -> bool:
    return _WORD_CHAR.search(word) is not None


def _not_punct(word: str) -> bool:
    return not _PUNCT.match(word)


def policy_tokenizer(user_words: Iterable[str] = ()) -> TextTokenizer:
    """The policy side's tokenizer; `user_words` (unit names, measure titles, section and chapter
    names from the graph) are kept whole."""
    words = []
    for word in dict.fromkeys(user_words):
        word = word.strip()
        if 2 <= len(word) <= 30 and not _PUNCT.match(word):
            words.append((word, POLICY_WORD_FREQ))
    return TextTokenizer(stopwords="policy", hmm=False, lower=False, words=words)


@lru_cache(maxsize=4)
def _shared(lines: tuple[str, ...]) -> TextTokenizer:
    return TextTokenizer(list(lines))


def shared_tokenizer(userdict: Path | Iterable[str]) -> TextTokenizer:
    """One tokenizer per distinct user dictionary per process (each jieba instance costs ~50 MB)."""
    lines = read_userdict(userdict) if isinstance(userdict, Path | str) else list(userdict)
    return _shared(tuple(lines))
