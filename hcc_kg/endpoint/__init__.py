"""SPARQL 1.1 services: publishing a release to a store, serving one with Oxigraph's server."""
