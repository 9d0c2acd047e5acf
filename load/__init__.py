"""Locust load tests for the harness: the storefront checkout, sync lag under load and raw fake
capacity. The locustfiles are ``storefront.py``, ``sync_lag.py`` and ``fake_capacity.py``; the
other modules are their shared parts. See ``load/README.md``."""
