"""Benchmarks that print the project's figures (never timed tests)."""
