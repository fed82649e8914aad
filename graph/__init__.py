"""graph: the knowledge graph, its stores, the passage index and the sentence encoder."""
