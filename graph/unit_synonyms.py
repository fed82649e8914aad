"""Written forms of one kind of department that any region uses (发展改革委 = 发改委 =
发展和改革委员会). A plan of a region the registry does not describe keeps its names as written;
these groups let two forms of the same department in one plan resolve to the first one written.
"""

from __future__ import annotations

import re

_GROUPS = (
    ("发改委", "发展改革委", "发展和改革委员会", "发展改革局", "发改局", "发展和改革局"),
    ("人社局", "人力资源社会保障局", "人力资源和社会保障局", "人力社保局", "人力资源局"),
    ("经信局", "经济和信息化局", "经信委", "经济和信息化委员会"),
    ("工信局", "工业和信息化局"),
    ("科技局", "科学技术局"),
    ("市场监管局", "市场监督管理局", "市监局"),
    ("卫健委", "卫生健康委", "卫生健康委员会", "卫生和健康委员会"),
    ("住建局", "住房和城乡建设局", "住房城乡建设局"),
    ("文广旅局", "文化广电旅游局", "文化广电和旅游局", "文广旅游局", "文旅局", "文化和旅游局"),
    ("国资委", "国有资产监督管理委员会"),
    ("大数据局", "大数据管理局", "大数据发展局"),
    ("农业农村局", "农业农村委"),
    ("科协", "科学技术协会"),
    ("教育局", "教育委员会", "教委"),
    ("民政局",),
    ("财政局",),
    ("司法局",),
    ("商务局",),
    ("统计局",),
    ("税务局",),
    ("应急局", "应急管理局"),
    ("交通局", "交通运输局"),
    ("自然资源局", "自然资源和规划局", "规划资源局"),
    ("生态环境局",),
    ("总工会",),
    ("妇联", "妇女联合会"),
    ("团委", "共青团委员会"),
    ("委网信办", "委网络安全和信息化委员会办公室"),
    # a province's departments (厅)
    ("工信厅", "工业和信息化厅"),
    ("经信厅", "经济和信息化厅"),
    ("人社厅", "人力资源社会保障厅", "人力资源和社会保障厅"),
    ("住建厅", "住房城乡建设厅", "住房和城乡建设厅"),
    ("科技厅", "科学技术厅"),
    ("交通厅", "交通运输厅"),
    ("文旅厅", "文化和旅游厅"),
    ("农业农村厅", "农业厅"),
    ("生态环境厅", "环保厅"),
    ("教育厅",),
    ("财政厅",),
    ("商务厅",),
    ("司法厅",),
    ("民政厅",),
    ("公安厅",),
    ("水利厅",),
    ("自然资源厅",),
)
_KEY = {form: group[0] for group in _GROUPS for form in group}
_LEVELS = ("省", "市", "县", "区", "州")


def synonym_key(name: str) -> str | None:
    """The same key for every written form of one department at one level: 市发展改革委 and
    市发改委 -> 市发改委; None for a name outside the groups."""
    level = name[:1] if name[:1] in _LEVELS else ""
    stem = name[len(level):]
    key = _KEY.get(stem)
    return level + key if key else None


def synonym_forms(name: str) -> list[str]:
    """Other written forms of the department `name` names, with its level and without:
    市发展改革委 -> 市发改委, 发改委, 发展和改革委员会, …; 市政府国资委 -> 市国资委, 国资委, …
    (a question says 发改委 of a plan that writes 市发展改革委); [] for a name outside the groups."""
    level = name[:1] if name[:1] in _LEVELS else ""
    stem = name[len(level):]
    if stem not in _KEY and stem.startswith("政府") and stem[2:] in _KEY:
        stem = stem[2:]  # 市政府国资委
    key = _KEY.get(stem)
    if key is None:
        return []
    group = next(g for g in _GROUPS if g[0] == key)
    forms = [level + f for f in group] if level else []
    forms += [f for f in group if len(f) >= 3]
    return [f for f in dict.fromkeys(forms) if f != name]


_ABBREVIABLE = ("集团", "局", "委", "办")


def abbreviation_forms(name: str) -> list[str]:
    """The short form Chinese makes of a four-character department name, the first character of
    each word: 市人力社保局 -> 市人社局, 人社局; 市金融投资集团 -> 金投集团; 市投资促进局 -> 投促局.
    [] for names of another shape. The caller adds a form only where no other unit has it."""
    level = name[:1] if name[:1] in _LEVELS else ""
    body = name[len(level):]
    suffix = next((s for s in _ABBREVIABLE if body.endswith(s)), None)
    if suffix is None:
        return []
    core = body[: -len(suffix)]
    if len(core) != 4 or not all("\u4e00" <= c <= "\u9fff" for c in core):
        return []
    # 人才工作局 -> 人才局, 应急管理局 -> 应急局: a filler word dropped, not abbreviated
    if core[2:] in _FILLER:
        short = core[:2] + suffix
    elif core[0] != core[2]:  # 农业农村局 is never 农农局
        short = core[0] + core[2] + suffix
    else:
        return []
    return [f for f in dict.fromkeys([level + short if level else "", short]) if f and f != name]


_FILLER = ("工作", "管理", "服务", "事务")


def local_forms(name: str) -> list[str]:
    """How people shorten a local government's name: 各区人民政府 -> 各区政府."""
    return [name.replace("人民政府", "政府")] if "人民政府" in name else []


_BRACKETED = re.compile(r"^(.+?)[（(](.+)[）)]$")


def same_unit_key(name: str) -> str:
    """One key for the forms one plan writes for one unit in different notes: 县人力社保局 and
    县人社局, 县大数据管理中心 and 县大数据中心 (a filler word dropped), 区委组织部（人才办） and
    区委组织部（区委人才办）, 市科技创新局 and 市科创局. Names of different units keep different keys;
    only names of one plan are compared (graph/unit_resolver.py)."""
    bracket = _BRACKETED.match(name)
    if bracket:
        base, inner = bracket.group(1), bracket.group(2)
        inner = re.sub(r"^[省市县区州](?:委)?", "", inner)
        return f"{same_unit_key(base)}({inner})"
    key = synonym_key(name)
    if key is not None:
        return key
    level = name[:1] if name[:1] in _LEVELS else ""
    body = name[len(level):]
    for filler in _FILLER:  # 大数据管理中心 -> 大数据中心; never the first word (管理委员会)
        at = body.find(filler, 1)
        if at > 0 and len(body) - len(filler) >= 3:
            body = body[:at] + body[at + len(filler):]
            break
    key = synonym_key(level + body)
    if key is not None:
        return key
    short = abbreviation_forms(level + body)
    return short[0] if short and short[0].startswith(level) else level + body
