"""The sync engine: durable, idempotent flows between Magento and an ERP.

Entry point: :class:`sync_core.engine.Engine`, built from a :class:`sync_core.config.EngineConfig`.
"""
