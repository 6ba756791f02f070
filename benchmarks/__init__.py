"""Benchmarks: the data sets they run on and the scripts that time them (never the test run)."""
