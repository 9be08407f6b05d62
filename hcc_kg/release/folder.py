"""Writing releases into a build folder: staging, publishing, pruning, one build at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hcc_kg.errors import HccKgError
from hcc_kg.release.layout import CURRENT, LOCK, RELEASES, Release


class BuildFolder:
    """Writes releases into a build folder: staging, publishing, pruning, one build at a time."""

    def __init__(self, build_dir: Path) -> None:
        self.root = build_dir
        self.releases = build_dir / RELEASES

    @contextmanager
    def locked(self, wait: float = 3600.0) -> Iterator[None]:
        """Hold the folder's lock: a second build waits for the first instead of racing it."""
        try:
            self.releases.mkdir(parents=True, exist_ok=True)
            handle = (self.root / LOCK).open("a")
        except OSError as exc:  # a file, a read-only or full disk: before anything was written
            raise HccKgError(f"{self.root}: cannot use as a build folder: "
                             f"{exc.strerror or exc} ({exc.filename})") from exc
        with handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise HccKgError(f"another build has held {self.root / LOCK} for {wait:g} s; "
                                         "is one stuck?") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def stage(self) -> Path:
        """A fresh staging folder; call under :meth:`locked`, which makes any older one stale."""
        for partial in self.releases.glob("*.partial"):
            shutil.rmtree(partial, ignore_errors=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        staging = self.releases / f"{name}.partial"
        staging.mkdir()
        return staging

    def publish(self, staging: Path, keep_previous: int = 1) -> Release:
        """Rename the staging folder into a release and make it current in one atomic rename."""
        folder = staging.with_name(staging.name.removesuffix(".partial"))
        staging.rename(folder)
        tmp_link = self.root / f".{CURRENT}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp_link.symlink_to(Path(RELEASES) / folder.name)
        os.replace(tmp_link, self.root / CURRENT)
        self._prune(folder, keep_previous)
        return Release(folder)

    def _prune(self, keep: Path, previous: int) -> None:
        """Keep the new release and the one before it (readers may still hold it open)."""
        older = sorted(p for p in self.releases.iterdir()
                       if p.is_dir() and p != keep and not p.name.endswith(".partial"))
        for old in older[: max(0, len(older) - previous)]:
            shutil.rmtree(old, ignore_errors=True)
