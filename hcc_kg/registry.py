"""One registry per extension point (output formats, export formats, record kinds, backends).

A registry is the single place an extension is named: the CLI reads its choices from it, and an
unknown name is one clear error listing what exists. Modelled on rdflib's plugin registry, without
entry points: every extension here ships in the package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from hcc_kg.errors import HccKgError

T = TypeVar("T")


class Registry(Generic[T]):
    """Named extensions of one kind, in registration order."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> T:
        """Register ``item`` under ``name``; a name is registered once."""
        if name in self._items:
            raise ValueError(f"{self.what} {name!r} is already registered")
        self._items[name] = item
        return item

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""
        return lambda item: self.add(name, item)

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise HccKgError(f"unknown {self.what} {name!r}; "
                             f"expected one of {', '.join(self._items)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def names(self) -> list[str]:
        """The registered names, for CLI choices and error messages."""
        return list(self._items)

    def items(self) -> list[tuple[str, T]]:
        """Names and extensions, in registration order."""
        return list(self._items.items())
