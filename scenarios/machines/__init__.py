"""Hypothesis state machines exploring sequences of storefront events, ERP events, faults,
engine cycles and crashes, with invariants checked after every step."""
