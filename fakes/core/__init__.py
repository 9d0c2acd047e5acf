"""Vendor-neutral machinery shared by every fake: clock, randomness, faults, journal, control."""
