from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG, SKOS

from graph.ontology import KEPU, ONTOLOGY_IRI, declared_terms, ontology_graph
from graph.store.rdf_mapping import graph_to_plan, measure_iri, plan_iri, plan_to_graph, unit_iri


def test_misspelt_term_is_an_error_not_a_new_iri():
    with pytest.raises(AttributeError):
        _ = KEPU.leadUnitz
    assert str(KEPU.leadUnit) == ONTOLOGY_IRI + "leadUnit"


def test_every_kepu_term_a_plan_uses_is_declared(sample_plan):
    g = plan_to_graph(sample_plan)
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(ONTOLOGY_IRI)}
    undeclared = used - declared_terms()
    assert not undeclared, f"terms used in plan triples but missing from the ontology: {sorted(undeclared)}"


def test_ontology_graph_serialises_and_labels_in_chinese():
    text = ontology_graph().serialize(format="turtle")
    g = Graph().parse(data=text, format="turtle")
    labels = {str(o) for o in g.objects(KEPU.leadUnit, None) if getattr(o, "language", None) == "zh"}
    assert "牵头单位" in labels


def test_iris_derive_from_plan_id_and_clause_path():
    assert str(measure_iri("huaiyin-2021-2025", "huaiyin-2021-2025/2/3/3")) == (
        "https://kepu.example/id/plan/huaiyin-2021-2025/measure/2/3/3"
    )
    assert str(plan_iri("huaiyin-2021-2025")) == "https://kepu.example/id/plan/huaiyin-2021-2025"
    # Chinese stays readable; characters that would break an IRI are escaped, distinctly.
    assert str(unit_iri("区委宣传部", "淮阴区")) == "https://kepu.example/id/unit/淮阴区/区委宣传部"
    assert str(unit_iri("教育部")) == "https://kepu.example/id/unit/教育部"
    assert unit_iri("a b") != unit_iri("a%20b")
    assert " " not in str(unit_iri("a b")) and "/" not in str(unit_iri("a/b")).rsplit("unit/", 1)[1]


def test_units_are_shared_nodes_across_plans_of_one_region(sample_plan, other_plan):
    a, b = plan_to_graph(sample_plan), plan_to_graph(other_plan)
    node = unit_iri("区委宣传部", "样例区")
    assert (node, RDF.type, ORG.Organization) in a and (node, RDF.type, ORG.Organization) in b
    assert (node, SKOS.altLabel, None) in a  # aliases recorded by the plan that saw them


def test_same_name_in_two_regions_is_two_units(sample_plan, other_plan):
    other_plan.region = "罗湖区"
    a, b = plan_to_graph(sample_plan), plan_to_graph(other_plan)
    here, there = unit_iri("区委宣传部", "样例区"), unit_iri("区委宣传部", "罗湖区")
    assert (here, RDF.type, ORG.Organization) in a and (here, None, None) not in b
    assert (there, RDF.type, ORG.Organization) in b and (there, SKOS.prefLabel, Literal("区委宣传部")) in b
    # and each reads back under its own name, as written
    assert graph_to_plan(a + b, other_plan.id).measures == other_plan.measures


def test_mapping_round_trip_is_exact(sample_plan):
    back = graph_to_plan(plan_to_graph(sample_plan), sample_plan.id)
    assert back == sample_plan
    # order survives, not only membership
    assert back.measures[1].co_units == ["区科技局", "区文广旅局", "淮阴区未知办"]
    assert back.measures[2].targets[1].parent == 0


def test_round_trip_after_turtle_serialisation(sample_plan):
    text = plan_to_graph(sample_plan).serialize(format="turtle")
    assert graph_to_plan(Graph().parse(data=text, format="turtle"), sample_plan.id) == sample_plan


def test_unknown_plan_is_a_key_error(sample_plan):
    with pytest.raises(KeyError):
        graph_to_plan(plan_to_graph(sample_plan), "no-such-plan")
