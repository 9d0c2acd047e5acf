"""``python -m scenarios`` is ``erp-harness``."""

from scenarios.cli import main

main()
