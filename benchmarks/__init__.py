"""Throughput, latency and UI-lag benchmarks of Quote Board against a naive baseline.

`python -m benchmarks` (or `make bench`) runs the whole ladder; see README "Performance".
"""
