"""Benchmarks: ``python -m bench.<name>`` prints median and p95 with the data size.

They are measurements, never assertions; the targets they are compared with are in
``/work/shared/QUALITY.md`` (the desk's speed table).
"""
