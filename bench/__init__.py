"""`make bench`: kepu's benchmarks, one module per group, orchestrated by bench/run.py."""
