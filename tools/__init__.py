"""Helpers for the tests and benchmarks: running the real servers, reading NLU reports."""
