"""Words for BM25 and for "what is this question about": a private jieba instance whose user
dictionary comes from the graph (unit names, measure titles, section and chapter names)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

# Question scaffolding and function words: they say what is asked, not what it is about.
_STOP_TEXT = """
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
STOPWORDS = frozenset(_STOP_TEXT.split())
_PUNCT = re.compile(r"^[\W_]+$")


class PolicyTokenizer:
    def __init__(self, user_words: Iterable[str] = ()):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in dict.fromkeys(user_words):
            word = word.strip()
            if 2 <= len(word) <= 30 and not _PUNCT.match(word):
                self._jieba.add_word(word, freq=3000)

    def index_tokens(self, text: str) -> list[str]:
        """Fine and compound words (search mode), stopwords and punctuation out: for BM25."""
        return [t for t in self._jieba.lcut_for_search(text, HMM=False) if _keep(t)]

    def content_words(self, text: str) -> list[str]:
        """The precise segmentation's content words: what a question is about."""
        # No HMM guesses: unknown words split into characters exactly as the index does.
        return [t for t in self._jieba.lcut(text, HMM=False) if _keep(t)]


def _keep(token: str) -> bool:
    token = token.strip()
    return bool(token) and token not in STOPWORDS and not _PUNCT.match(token)
