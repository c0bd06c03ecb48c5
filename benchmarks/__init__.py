"""Reaction Reel's benchmark suite: plain programs, run with ``python -m benchmarks``.

Every benchmark measures its baseline in the same run and reports the ratio, because
absolute times drift on shared machines. Nothing here runs in CI or asserts on time.
"""
