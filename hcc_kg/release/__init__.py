"""Releases: the build folder's layout (``Release``) and what changed between two releases (diff)."""
