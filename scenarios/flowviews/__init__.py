"""Per-ERP views of the fakes' state, and per-ERP operator actions, for the flow scenarios."""
