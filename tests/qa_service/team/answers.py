"""Answer bodies as the chat service returns them, for tests of the team's log and queue."""

from __future__ import annotations


def rumor_unanswered(text: str) -> dict:
    return {
        "intent": "rumor",
        "answer": "kepu 暂时还没有经过核实的相关科普材料……",
        "confidence": 0.1,
        "abstained": True,
        "measures": [],
        "targets": [],
        "units": [],
        "citations": [],
        "rumor": {"matched": False, "verdict": None, "reply": "暂无材料", "materials": [], "confidence": 0.1},
    }


def rumor_answered(material_id: str = "overnight-dishes") -> dict:
    return {
        "intent": "rumor",
        "answer": "【谣言】隔夜菜……",
        "confidence": 0.93,
        "abstained": False,
        "measures": [],
        "targets": [],
        "units": [],
        "citations": [],
        "rumor": {
            "matched": True,
            "verdict": "谣言",
            "reply": "【谣言】隔夜菜……",
            "confidence": 0.93,
            "materials": [
                {
                    "id": material_id,
                    "title": "隔夜菜",
                    "verdict": "谣言",
                    "summary": "摘要",
                    "score": 0.93,
                    "passage": "冷藏保存的隔夜菜亚硝酸盐含量远低于安全限值",
                    "source": "x",
                }
            ],
        },
    }


def policy_answered() -> dict:
    return {
        "intent": "resp",
        "answer": "区科协负责。",
        "confidence": 0.95,
        "abstained": False,
        "measures": [{"id": "m1", "title": "科普基地"}],
        "targets": [],
        "units": ["区科协"],
        "citations": [{"clause": "（三）1.", "title": "科普基地建设", "measure_id": "plan#3.1"}],
    }


def policy_suggested() -> dict:
    return {
        "intent": "resp",
        "answer": "您是否想问……",
        "confidence": 0.4,
        "abstained": True,
        "measures": [{"id": "m1", "title": "科普基地"}],
        "targets": [],
        "units": [],
        "citations": [],
    }


def policy_abstained() -> dict:
    return {
        "intent": "oos",
        "answer": "抱歉……",
        "confidence": 0.0,
        "abstained": True,
        "measures": [],
        "targets": [],
        "units": [],
        "citations": [],
    }
