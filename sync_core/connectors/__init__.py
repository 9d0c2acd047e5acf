"""One package per system: a client (transport, auth, errors), a mapper and lookups."""
