"""Querying a release: saved queries (headers, parameters), answer types, and the backends that run them."""
