"""Curation: the YAML record schema, its loader, validation against sources and ontology, and lint."""
