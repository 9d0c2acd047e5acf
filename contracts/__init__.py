"""Vendor contracts as data (OpenAPI, EDMX, WSDL, CSV layouts) with loaders and validators.

Reference schemas published by the vendors are read from ``HARNESS_REFERENCE_DIR`` (default:
``../shared/reference`` beside the repository); the project's own contract files live here.
"""
