"""Evaluation data sets, metrics, the harness and benchmarks."""
