"""Questions only the graph can answer exactly: set operations on units and roles, counts,
superlatives, comparisons, yes/no, deadlines and target filters, parsed into a typed query
(`query.py`) that runs as SPARQL or Cypher on the store (`backends.py`)."""
