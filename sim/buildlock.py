"""An exclusive lock per build folder, so that test processes running in parallel
(``pytest -n``) build a shared, content-addressed simulator or compiler build once and never
read one that is half written."""
from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def build_lock(build_dir: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on ``<build_dir>.lock`` (created beside the folder) while inside."""
    lock = Path(f"{os.fspath(build_dir)}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
