"""A realistic, deterministic sample directory for the demo and the benchmarks (no port: a tool)."""
