"""Judging connectors: the failure-mode catalog, state machines, runners, reports and the CLI."""
