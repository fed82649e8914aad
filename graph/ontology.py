"""The kepu ontology: one vocabulary for plans, their clauses, targets and responsible units.

Reused W3C terms, so generic RDF tools understand most of the graph:

- units (departments, towns, zones) are `org:Organization` nodes named by `skos:prefLabel`, aliases
  as `skos:altLabel`; a unit node's IRI comes from its canonical name, so one unit is one node
  shared by every plan that names it;
- ids, titles and source files are `dcterms:identifier`, `dcterms:title`, `dcterms:source`;
  clause labels such as "二、" or "（三）" are `skos:notation`; structural nodes point to their plan
  with `dcterms:isPartOf`;
- `kepu:basedOn` (a plan and the documents it implements) refines `prov:wasDerivedFrom`.

Unit lists whose order matters (lead units, co-units, aliases ...) are written twice: as plain
edges (`kepu:leadUnit`) that queries use, and as an RDF list (`kepu:leadUnits`) that keeps the order
the plan wrote them in.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, SKOS, DefinedNamespace, Namespace

ONTOLOGY_IRI = "https://kepu.example/ontology#"
ID_BASE = "https://kepu.example/id/"


class KEPU(DefinedNamespace):
    """Terms of the kepu ontology; a misspelt term raises instead of minting a new IRI."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # Classes
    Plan: URIRef  # a policy plan (实施方案), one named graph per plan
    Chapter: URIRef  # 一、二、…
    Section: URIRef  # （一）（二）…
    Measure: URIRef  # a numbered task / measure with its responsibility note
    Target: URIRef  # a quantitative target (plan goal or measure target)
    TargetGroup: URIRef  # a population a section addresses: 青少年, 农民 …
    PolicyDocument: URIRef  # a document a plan is based on (国发〔2021〕9号)

    # Structure
    hasChapter: URIRef
    hasSection: URIRef
    hasMeasure: URIRef
    position: URIRef  # 0-based order within the plan's list of that kind
    clausePath: URIRef  # RDF list of the clause labels, e.g. ("二、" "（三）" "3.")
    clauseLabel: URIRef  # citation form, e.g. "二、（三）3."
    chapterLabel: URIRef  # a section's chapter label, e.g. "二、"
    chapterTitle: URIRef
    sectionTitle: URIRef
    fullText: URIRef
    responsibilityNote: URIRef
    targetGroup: URIRef

    # Responsibility (plain edges for queries, lists for order)
    leadUnit: URIRef
    coUnit: URIRef
    localUnit: URIRef
    zone: URIRef
    leadUnits: URIRef
    coUnits: URIRef
    localUnits: URIRef
    zones: URIRef
    aliases: URIRef  # ordered list of a unit's aliases within one plan
    unresolvedUnit: URIRef  # a name the plan uses that the unit registry does not know
    unresolvedUnits: URIRef

    # Targets
    hasTarget: URIRef
    subTargetOf: URIRef
    value: URIRef
    rawValue: URIRef
    unit: URIRef  # unit of measurement (%, 家, 名 …), not an organisation
    qualifier: URIRef
    deadline: URIRef
    period: URIRef  # of a target (每年) or a plan (2021—2025)
    subject: URIRef

    # Plan metadata and provenance
    region: URIRef
    status: URIRef
    goalText: URIRef
    basedOn: URIRef
    sourceFile: URIRef
    spanStart: URIRef
    spanEnd: URIRef


NAMESPACES: dict[str, str] = {
    "kepu": ONTOLOGY_IRI,
    "org": str(ORG),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

_CLASSES = {
    KEPU.Plan: "方案",
    KEPU.Chapter: "章",
    KEPU.Section: "节",
    KEPU.Measure: "措施",
    KEPU.Target: "目标",
    KEPU.TargetGroup: "重点人群",
    KEPU.PolicyDocument: "依据文件",
}

_OBJECT_PROPERTIES = {
    KEPU.hasChapter: "包含章",
    KEPU.hasSection: "包含节",
    KEPU.hasMeasure: "包含措施",
    KEPU.leadUnit: "牵头单位",
    KEPU.coUnit: "配合单位",
    KEPU.localUnit: "落实单位（属地）",
    KEPU.zone: "落实单位（园区）",
    KEPU.hasTarget: "目标",
    KEPU.subTargetOf: "上级目标",
    KEPU.targetGroup: "重点人群",
    KEPU.basedOn: "依据",
    KEPU.unresolvedUnit: "未识别单位",
    KEPU.leadUnits: "牵头单位（有序列表）",
    KEPU.coUnits: "配合单位（有序列表）",
    KEPU.localUnits: "属地单位（有序列表）",
    KEPU.zones: "园区（有序列表）",
    KEPU.aliases: "别名（有序列表）",
    KEPU.unresolvedUnits: "未识别单位（有序列表）",
    KEPU.clausePath: "条款路径（有序列表）",
}

_DATA_PROPERTIES = {
    KEPU.position: ("序号", XSD.integer),
    KEPU.clauseLabel: ("条款", XSD.string),
    KEPU.chapterLabel: ("所属章编号", XSD.string),
    KEPU.chapterTitle: ("章标题", XSD.string),
    KEPU.sectionTitle: ("节标题", XSD.string),
    KEPU.fullText: ("全文", XSD.string),
    KEPU.responsibilityNote: ("责任单位原文", XSD.string),
    KEPU.value: ("数值", XSD.double),
    KEPU.rawValue: ("原文数值", XSD.string),
    KEPU.unit: ("计量单位", XSD.string),
    KEPU.qualifier: ("限定词", XSD.string),
    KEPU.deadline: ("期限", XSD.string),
    KEPU.period: ("周期", XSD.string),
    KEPU.subject: ("指标对象", XSD.string),
    KEPU.region: ("地区", XSD.string),
    KEPU.status: ("状态", XSD.string),
    KEPU.goalText: ("主要目标原文", XSD.string),
    KEPU.sourceFile: ("来源文件", XSD.string),
    KEPU.spanStart: ("起始位置", XSD.integer),
    KEPU.spanEnd: ("结束位置", XSD.integer),
}

_UNIT_PROPERTIES = (KEPU.leadUnit, KEPU.coUnit, KEPU.localUnit, KEPU.zone, KEPU.unresolvedUnit)


def bind_namespaces(graph: Graph) -> Graph:
    for prefix, iri in NAMESPACES.items():
        graph.bind(prefix, iri, override=True)
    return graph


def ontology_graph() -> Graph:
    """The vocabulary itself as triples (labels in Chinese), for export and documentation."""
    g = bind_namespaces(Graph())
    onto = URIRef(ONTOLOGY_IRI.rstrip("#"))
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, RDFS.label, Literal("科普政策知识图谱本体", lang="zh")))
    for cls, label in _CLASSES.items():
        g.add((cls, RDF.type, OWL.Class))
        g.add((cls, RDFS.label, Literal(label, lang="zh")))
    for prop, label in _OBJECT_PROPERTIES.items():
        g.add((prop, RDF.type, OWL.ObjectProperty))
        g.add((prop, RDFS.label, Literal(label, lang="zh")))
    for prop in _UNIT_PROPERTIES:
        g.add((prop, RDFS.range, ORG.Organization))
    for prop, (label, datatype) in _DATA_PROPERTIES.items():
        g.add((prop, RDF.type, OWL.DatatypeProperty))
        g.add((prop, RDFS.label, Literal(label, lang="zh")))
        g.add((prop, RDFS.range, datatype))
    g.add((KEPU.basedOn, RDFS.subPropertyOf, PROV.wasDerivedFrom))
    g.add((KEPU.hasTarget, RDFS.range, KEPU.Target))
    g.add((KEPU.targetGroup, RDFS.range, KEPU.TargetGroup))
    return g


def declared_terms() -> set[URIRef]:
    """Every KEPU term the ontology graph declares (tests check nothing is left undeclared)."""
    return {*_CLASSES, *_OBJECT_PROPERTIES, *_DATA_PROPERTIES}
