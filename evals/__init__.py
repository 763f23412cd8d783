"""Eval suites and their runner: load, run in-process, check, measure, report, gate.

See evals/README.md for the suite format, the metrics and the reports.
"""
