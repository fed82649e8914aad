"""ingest: turns plan files and 科普 material into records for graph/."""
