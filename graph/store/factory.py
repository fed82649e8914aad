"""The factory that picks a graph store from settings (apart from the interface, graph/store/base.py)."""

from __future__ import annotations

from graph.settings import Settings
from graph.store.base import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """Factory: the embedded oxigraph store unless KEPU_GRAPH_URI names a Bolt server."""
    if settings.graph_uri.startswith(("bolt://", "bolt+s://", "neo4j://", "neo4j+s://")):
        from graph.store.neo4j import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from graph.store.oxigraph import OxigraphStore

    return OxigraphStore(settings.graph_dir)
