"""Realistic synthetic archive content, deterministic for a seed (benchmarks, load tests)."""
