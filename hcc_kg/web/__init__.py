"""The reviewers' web page: a read-only Starlette app over one ``KnowledgeGraph`` the caller opened.

``app.create_app(kg)`` builds it (the web layer opens nothing itself, as bioregistry's ``get_app``);
``hcc-kg web`` opens the release in memory and serves it with uvicorn. Templates and the vendored
YASGUI editor ship as package data: no page loads anything from outside the server.
"""
