"""One module per flow. A flow reads, skips what is up to date, maps, validates, looks up what
exists, creates or updates, binds and records."""
