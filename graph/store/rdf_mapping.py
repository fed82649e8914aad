"""PlanRecord <-> RDF triples, exact both ways.

IRIs derive from the plan id and each record's id (plan id + clause path), so writing the same
plan twice mints the same IRIs and a plan's triples can be replaced as a whole:

    https://kepu.example/id/plan/<plan>                      the plan, also its named graph
    https://kepu.example/id/plan/<plan>/measure/2/3/3        measure 二、（三）3.
    https://kepu.example/id/plan/<plan>/measure/2/3/3/target/0
    https://kepu.example/id/unit/淮阴区/区委宣传部            a unit of one region (graph/unit_identity.py)
    https://kepu.example/id/unit/教育部                       a national unit, shared by all plans
    https://kepu.example/id/group/青少年                      a target group, shared by all plans

Every triple a plan asserts (including the labels of the units it names) lives in the plan's own
graph, so removing a plan leaves other plans' view of a shared unit intact. Two plans of one
region share their units (淮阴区's 区科协); plans of two regions never do (罗湖区's 区科协 is
<unit/罗湖区/区科协>).
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, SKOS
from rdflib.term import Node

from graph.ontology import ID_BASE, KEPU, bind_namespaces
from graph.records import (
    ChapterRecord,
    MeasureRecord,
    PlanRecord,
    SectionRecord,
    SourceSpan,
    TargetRecord,
)
from graph.unit_identity import unit_scope

_SAFE_ASCII = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")


def _segment(text: str) -> str:
    """Escape one IRI path segment: keep CJK and unreserved ASCII, percent-encode the rest."""
    out = []
    for ch in text:
        if ch in _SAFE_ASCII or (ord(ch) > 0x7F and not ch.isspace() and ch.isprintable()):
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out) or "_"


def plan_iri(plan_id: str) -> URIRef:
    return URIRef(f"{ID_BASE}plan/{_segment(plan_id)}")


def plan_graph_iri(plan_id: str) -> URIRef:
    """The named graph holding everything one plan asserts."""
    return plan_iri(plan_id)


def unit_iri(name: str, scope: str = "") -> URIRef:
    """A unit's IRI: its region (the scope) and its name; national names have no region part.
    Data written before units had regions used <unit/NAME> for every unit; readers go by the
    units' labels, so such a store still reads back and answers the same (see tests)."""
    if not scope:
        return URIRef(f"{ID_BASE}unit/{_segment(name)}")
    return URIRef(f"{ID_BASE}unit/{_segment(scope)}/{_segment(name)}")


def group_iri(name: str) -> URIRef:
    return URIRef(f"{ID_BASE}group/{_segment(name)}")


def _child_iri(plan_id: str, kind: str, record_id: str) -> URIRef:
    """plan id + the record's own path: "p/2/3/3" under plan "p" -> <plan/p/measure/2/3/3>."""
    prefix = f"{plan_id}/"
    if record_id.startswith(prefix) and len(record_id) > len(prefix):
        rest = "/".join(_segment(part) for part in record_id[len(prefix) :].split("/"))
    else:
        rest = _segment(record_id)
    return URIRef(f"{plan_iri(plan_id)}/{kind}/{rest}")


def measure_iri(plan_id: str, measure_id: str) -> URIRef:
    return _child_iri(plan_id, "measure", measure_id)


# --------------------------------------------------------------------------- record -> triples


def plan_to_graph(plan: PlanRecord) -> Graph:
    """All triples of one plan (to be stored in the named graph `plan_graph_iri(plan.id)`)."""
    g = bind_namespaces(Graph())
    p = plan_iri(plan.id)
    g.add((p, RDF.type, KEPU.Plan))
    g.add((p, DCTERMS.identifier, Literal(plan.id)))
    g.add((p, DCTERMS.title, Literal(plan.title)))
    _opt(g, p, KEPU.region, plan.region or None)
    _opt(g, p, KEPU.period, plan.period or None)
    _opt(g, p, KEPU.status, plan.status or None)
    _opt(g, p, KEPU.goalText, plan.goal_text or None)
    _opt(g, p, DCTERMS.source, plan.source_file or None)
    for i in range(max(len(plan.basis), len(plan.basis_titles))):
        doc = URIRef(f"{p}/basis/{i}")
        g.add((p, KEPU.basedOn, doc))
        g.add((doc, RDF.type, KEPU.PolicyDocument))
        g.add((doc, KEPU.position, Literal(i)))
        _opt(g, doc, DCTERMS.identifier, plan.basis[i] if i < len(plan.basis) else None)
        _opt(g, doc, DCTERMS.title, plan.basis_titles[i] if i < len(plan.basis_titles) else None)
    _add_targets(g, p, f"{p}/goal", plan.goals)

    chapters: dict[str, URIRef] = {}
    for i, ch in enumerate(plan.chapters):
        node = _child_iri(plan.id, "chapter", ch.id)
        chapters.setdefault(ch.label, node)
        _add_structural(g, node, KEPU.Chapter, p, ch.id, i)
        g.add((p, KEPU.hasChapter, node))
        g.add((node, SKOS.notation, Literal(ch.label)))
        g.add((node, DCTERMS.title, Literal(ch.title)))
    sections: dict[tuple[str, str], URIRef] = {}
    for i, sec in enumerate(plan.sections):
        node = _child_iri(plan.id, "section", sec.id)
        sections.setdefault((sec.chapter_label, sec.label), node)
        _add_structural(g, node, KEPU.Section, p, sec.id, i)
        g.add((chapters.get(sec.chapter_label, p), KEPU.hasSection, node))
        g.add((node, SKOS.notation, Literal(sec.label)))
        g.add((node, DCTERMS.title, Literal(sec.title)))
        g.add((node, KEPU.chapterLabel, Literal(sec.chapter_label)))
        _add_group(g, node, sec.target_group)
    for i, m in enumerate(plan.measures):
        node = measure_iri(plan.id, m.id)
        container = sections.get(tuple(m.path[:2])) or chapters.get(m.path[0] if m.path else "", p)
        g.add((container, KEPU.hasMeasure, node))
        _add_measure(g, node, p, m, i, plan)

    for name in plan.unresolved_units:
        g.add((p, KEPU.unresolvedUnit, _unit(g, plan, name)))
    _add_list(g, p, KEPU.unresolvedUnits, [_unit(g, plan, n) for n in plan.unresolved_units])
    for name, aliases in plan.unit_aliases.items():
        u = _unit(g, plan, name)
        for alias in aliases:
            g.add((u, SKOS.altLabel, Literal(alias)))
        g.add((u, KEPU.aliases, _list(g, [Literal(a) for a in aliases])))
    return g


def _add_measure(
    g: Graph, node: URIRef, plan_node: URIRef, m: MeasureRecord, position: int, plan: PlanRecord
) -> None:
    _add_structural(g, node, KEPU.Measure, plan_node, m.id, position)
    g.add((node, KEPU.clausePath, _list(g, [Literal(label) for label in m.path])))
    g.add((node, KEPU.clauseLabel, Literal(m.clause_label)))
    g.add((node, DCTERMS.title, Literal(m.title)))
    g.add((node, KEPU.fullText, Literal(m.text)))
    _opt(g, node, KEPU.chapterTitle, m.chapter_title or None)
    _opt(g, node, KEPU.sectionTitle, m.section_title or None)
    _opt(g, node, KEPU.responsibilityNote, m.responsibility_note or None)
    for edge, ordered, names in (
        (KEPU.leadUnit, KEPU.leadUnits, m.lead_units),
        (KEPU.coUnit, KEPU.coUnits, m.co_units),
        (KEPU.localUnit, KEPU.localUnits, m.local_units),
        (KEPU.zone, KEPU.zones, m.zones),
    ):
        units = [_unit(g, plan, name) for name in names]
        for u in units:
            g.add((node, edge, u))
        _add_list(g, node, ordered, units)
    _add_targets(g, node, f"{node}/target", m.targets)
    _add_group(g, node, m.target_group)
    if m.source is not None:
        g.add((node, KEPU.sourceFile, Literal(m.source.file)))
        g.add((node, KEPU.spanStart, Literal(m.source.start)))
        g.add((node, KEPU.spanEnd, Literal(m.source.end)))


def _add_structural(g: Graph, node: URIRef, cls: URIRef, plan_node: URIRef, rid: str, pos: int) -> None:
    g.add((node, RDF.type, cls))
    g.add((node, DCTERMS.identifier, Literal(rid)))
    g.add((node, DCTERMS.isPartOf, plan_node))
    g.add((node, KEPU.position, Literal(pos)))


def _add_targets(g: Graph, owner: URIRef, base: str, targets: list[TargetRecord]) -> None:
    nodes = [URIRef(f"{base}/{i}") for i in range(len(targets))]
    for i, (node, t) in enumerate(zip(nodes, targets, strict=True)):
        g.add((owner, KEPU.hasTarget, node))
        g.add((node, RDF.type, KEPU.Target))
        g.add((node, KEPU.position, Literal(i)))
        g.add((node, KEPU.fullText, Literal(t.text)))
        g.add((node, KEPU.subject, Literal(t.subject)))
        g.add((node, KEPU.value, Literal(float(t.value))))
        g.add((node, KEPU.rawValue, Literal(t.raw_value)))
        g.add((node, KEPU.unit, Literal(t.unit)))
        _opt(g, node, KEPU.qualifier, t.qualifier)
        _opt(g, node, KEPU.deadline, t.deadline)
        _opt(g, node, KEPU.period, t.period)
        if t.parent is not None:
            g.add((node, KEPU.subTargetOf, nodes[t.parent]))


def _add_group(g: Graph, node: URIRef, name: str | None) -> None:
    if name is None:
        return
    grp = group_iri(name)
    g.add((grp, RDF.type, KEPU.TargetGroup))
    g.add((grp, SKOS.prefLabel, Literal(name)))
    g.add((node, KEPU.targetGroup, grp))


def _unit(g: Graph, plan: PlanRecord, name: str) -> URIRef:
    scope = unit_scope(plan, name)
    u = unit_iri(name, scope)
    g.add((u, RDF.type, ORG.Organization))
    g.add((u, SKOS.prefLabel, Literal(name)))
    if scope:
        g.add((u, KEPU.region, Literal(scope)))
    return u


def _opt(g: Graph, s: Node, p: URIRef, value: str | None) -> None:
    if value is not None:
        g.add((s, p, Literal(value)))


def _list(g: Graph, items: list[Node]) -> Node:
    """An RDF list (rdf:first/rdf:rest cells); built by hand, rdflib's Collection re-walks it per item."""
    head: Node = RDF.nil
    for item in reversed(items):
        cell = BNode()
        g.add((cell, RDF.first, item))
        g.add((cell, RDF.rest, head))
        head = cell
    return head


def _add_list(g: Graph, s: Node, p: URIRef, items: list[Node]) -> None:
    if items:
        g.add((s, p, _list(g, items)))


# --------------------------------------------------------------------------- triples -> record


def graph_to_plan(g: Graph, plan_id: str) -> PlanRecord:
    """Rebuild the PlanRecord from the triples of its named graph.

    `g` may also be a merge of several plans (an export): each plan's structure and units stay
    its own, but unit aliases, being facts about shared unit nodes, come back merged.
    """
    p = plan_iri(plan_id)
    if (p, RDF.type, KEPU.Plan) not in g:
        raise KeyError(plan_id)
    basis_nodes = _ordered(g, g.objects(p, KEPU.basedOn))
    plan = PlanRecord(
        id=_str(g, p, DCTERMS.identifier),
        title=_str(g, p, DCTERMS.title),
        region=_str(g, p, KEPU.region),
        period=_str(g, p, KEPU.period),
        status=_str(g, p, KEPU.status),
        basis=[v for d in basis_nodes if (v := _opt_str(g, d, DCTERMS.identifier)) is not None],
        basis_titles=[v for d in basis_nodes if (v := _opt_str(g, d, DCTERMS.title)) is not None],
        goals=_read_targets(g, p),
        goal_text=_str(g, p, KEPU.goalText),
        source_file=_str(g, p, DCTERMS.source),
        unresolved_units=_unit_names(g, g.value(p, KEPU.unresolvedUnits)),
    )
    plan.chapters = [
        ChapterRecord(id=_str(g, n, DCTERMS.identifier), label=_str(g, n, SKOS.notation), title=_str(g, n, DCTERMS.title))
        for n in _parts(g, p, KEPU.Chapter)
    ]
    plan.sections = [
        SectionRecord(
            id=_str(g, n, DCTERMS.identifier),
            label=_str(g, n, SKOS.notation),
            title=_str(g, n, DCTERMS.title),
            chapter_label=_str(g, n, KEPU.chapterLabel),
            target_group=_group(g, n),
        )
        for n in _parts(g, p, KEPU.Section)
    ]
    plan.measures = [_read_measure(g, n, plan.id) for n in _parts(g, p, KEPU.Measure)]
    for u, head in g.subject_objects(KEPU.aliases):
        plan.unit_aliases[_str(g, u, SKOS.prefLabel)] = [str(x) for x in Collection(g, head)]
    return plan


def _read_measure(g: Graph, n: Node, plan_id: str) -> MeasureRecord:
    start = g.value(n, KEPU.spanStart)
    return MeasureRecord(
        id=_str(g, n, DCTERMS.identifier),
        plan=plan_id,
        path=[str(x) for x in Collection(g, g.value(n, KEPU.clausePath))],
        title=_str(g, n, DCTERMS.title),
        text=_str(g, n, KEPU.fullText),
        chapter_title=_str(g, n, KEPU.chapterTitle),
        section_title=_str(g, n, KEPU.sectionTitle),
        responsibility_note=_str(g, n, KEPU.responsibilityNote),
        lead_units=_unit_names(g, g.value(n, KEPU.leadUnits)),
        co_units=_unit_names(g, g.value(n, KEPU.coUnits)),
        local_units=_unit_names(g, g.value(n, KEPU.localUnits)),
        zones=_unit_names(g, g.value(n, KEPU.zones)),
        targets=_read_targets(g, n),
        target_group=_group(g, n),
        source=None
        if start is None
        else SourceSpan(_str(g, n, KEPU.sourceFile), int(start.toPython()), int(g.value(n, KEPU.spanEnd).toPython())),
    )


def _read_targets(g: Graph, owner: Node) -> list[TargetRecord]:
    nodes = _ordered(g, g.objects(owner, KEPU.hasTarget))
    index = {node: i for i, node in enumerate(nodes)}
    out = []
    for node in nodes:
        parent = g.value(node, KEPU.subTargetOf)
        out.append(
            TargetRecord(
                text=_str(g, node, KEPU.fullText),
                subject=_str(g, node, KEPU.subject),
                value=float(g.value(node, KEPU.value).toPython()),
                raw_value=_str(g, node, KEPU.rawValue),
                unit=_str(g, node, KEPU.unit),
                qualifier=_opt_str(g, node, KEPU.qualifier),
                deadline=_opt_str(g, node, KEPU.deadline),
                period=_opt_str(g, node, KEPU.period),
                parent=index[parent] if parent is not None else None,
            )
        )
    return out


def _parts(g: Graph, plan_node: URIRef, cls: URIRef) -> list[Node]:
    return _ordered(g, (n for n in g.subjects(DCTERMS.isPartOf, plan_node) if (n, RDF.type, cls) in g))


def _ordered(g: Graph, nodes: Iterable[Node]) -> list[Node]:
    return sorted(set(nodes), key=lambda n: int(g.value(n, KEPU.position).toPython()))


def _unit_names(g: Graph, head: Node | None) -> list[str]:
    if head is None:
        return []
    return [_str(g, u, SKOS.prefLabel) for u in Collection(g, head)]


def _group(g: Graph, n: Node) -> str | None:
    grp = g.value(n, KEPU.targetGroup)
    return None if grp is None else _str(g, grp, SKOS.prefLabel)


def _opt_str(g: Graph, s: Node, p: URIRef) -> str | None:
    v = g.value(s, p)
    return None if v is None else str(v)


def _str(g: Graph, s: Node, p: URIRef) -> str:
    v = g.value(s, p)
    return "" if v is None else str(v)
