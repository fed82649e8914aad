"""The shipped pair scorer with the real model on the shipped material.

Held out: the hard set (tests/data/rumor_hard_set3.jsonl: dialect, voice input, rumours buried in
group-chat notices, descriptions without the key nouns, typos) was never used to fit
corpus/rumor_pair.json, which bench/fit_rumor_pair.py fits on the other sets. Also: two rumours
in one forwarded message get two rebuttals, a claim buried in a 400-character message is found,
a near miss on a covered topic never gets the rebuttal of its neighbour, and bad input stays a
clear answer.
"""

from __future__ import annotations

import pytest

from graph.search.passage_index import IndexHandle
from graph.settings import BUNDLED_MATERIALS_DIR, PROJECT_ROOT, Settings
from ingest.corpus_indexer import build_index
from qa_service.evaluation.rumor_eval import load_queries
from qa_service.rumors.check import LINKS_ONLY_REPLY, InvalidText, RumorChecker
from qa_service.rumors.decision import load_pair_scorer

pytestmark = pytest.mark.slow

DATA = PROJECT_ROOT / "tests" / "data"
# Held-out bars for the shipped scorer on the hard set (figures in README, "Rumour decision").
HARD_CONFIRMED, HARD_WRONG = 0.40, 0.04


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    from graph.encoder.factory import get_encoder

    scorer = load_pair_scorer()
    assert scorer is not None, (
        "corpus/rumor_pair.json is missing or invalid; run python -m bench.fit_rumor_pair"
    )
    settings = Settings.from_env(tmp_path_factory.mktemp("pair-quality"))
    encoder = get_encoder(settings)
    report = build_index(settings, encoder, BUNDLED_MATERIALS_DIR)
    assert not report.issues
    return RumorChecker(IndexHandle(settings.index_dir, background=False), encoder, pair=scorer)


def test_the_shipped_scorer_was_not_fitted_on_the_hard_set():
    fitted = load_pair_scorer().info["fitted_on"]
    assert not any("hard" in name or "external" in name for name in fitted), fitted


def test_hard_questions_never_seen_in_fitting_are_mostly_confirmed_and_rarely_wrong(checker):
    queries = load_queries([DATA / "rumor_hard_set3.jsonl"])
    assert len(queries) >= 50
    right = wrong = 0
    for q in queries:
        result = checker.check(q.q, log_unanswered=False)
        if result.matched:
            right += result.materials[0].id == q.expect
            wrong += result.materials[0].id != q.expect
    assert right / len(queries) >= HARD_CONFIRMED, f"hard questions confirmed right: {right}/{len(queries)}"
    assert wrong / len(queries) <= HARD_WRONG, f"hard questions answered with another material: {wrong}"


def test_a_forward_carrying_two_rumours_gets_both_rebuttals(checker):
    text = (
        "【转给家人】今年冬天特别冷，提醒大家注意保暖。一、屋里烧炉子的，记得在炉子旁边放一盆水，"
        "这样就不会煤气中毒了；二、出门前喝两口白酒暖暖身子，就不怕冻了。看到的请转发给长辈！"
    )
    result = checker.check(text, log_unanswered=False)
    ids = {m.id for m in result.materials}
    assert result.matched and {"emerg-co-water-basin", "emerg-cold-alcohol-warm"} <= ids, ids
    assert result.reply.count("【") == 2, "one rebuttal per rumour"


def test_a_claim_buried_in_a_400_character_message_is_found(checker):
    before = (
        "今天社区开了居民大会，到场的有六十多位居民，会议从下午两点一直开到五点多。"
        "第一项是停车位的分配办法，大家争论了很久，最后决定按登记先后顺序抽签。"
        "第二项是垃圾分类，居委会说下个月起厨余垃圾要单独投放，志愿者会在桶边值守一周。"
        "第三项是楼道照明，好几栋楼的感应灯坏了，物业答应两周内全部换新。"
        "第四项是小区门口的快递柜，有居民反映柜子太少，物业说正在和快递公司商量再加两组。"
        "中间休息的时候大家聊起了家里装修的事，几户刚搬来的邻居说新房的味道还很重。"
    )
    after = (
        "散会前主任又提醒大家下楼时注意台阶，晚上出门记得结伴。"
        "最后大家合影留念，约好下个季度再开一次会，讨论小区绿化和健身器材的维护问题。"
        "会议纪要会在周五前贴到每栋楼的公告栏里，请没到场的邻居自己看一下，有意见可以找楼长反映。"
    )
    text = before + "有位阿姨说新房装修完放几盆绿萝吊兰就能把甲醛吸干净，不用开窗通风也能马上入住。" + after
    assert 350 <= len(text) <= 450
    result = checker.check(text, log_unanswered=False)
    assert result.matched and result.materials[0].id == "env-plants-absorb-formaldehyde", result.reply


def test_a_near_miss_never_gets_its_neighbours_rebuttal(checker):
    result = checker.check("吃大蒜能降血压吗", log_unanswered=False)
    assert not (result.matched and result.materials[0].id == "epi-garlic-kills-virus"), result.reply
    # Whatever it offers, the reply first says no material makes this claim: not "您说的是不是…".
    assert result.reply.startswith(("kepu 没有找到与这一说法完全对应", "kepu 暂时还没有")), result.reply


@pytest.mark.parametrize("text", ["", "   ", "谣" * 2001])
def test_bad_input_is_still_a_clear_answer(checker, text):
    with pytest.raises(InvalidText) as err:
        checker.check(text)
    assert err.value.user_message


def test_links_or_html_only_still_get_the_links_reply(checker):
    assert checker.check("https://example.com/a <div></div>").reply == LINKS_ONLY_REPLY
