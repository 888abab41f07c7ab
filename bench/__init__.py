"""Benchmarks: ``python -m bench --sizes 10000,1000000 --json out.json``."""
