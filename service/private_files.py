"""The folders and files the service keeps its data in (the embedded database, mail written to a
folder, the key file), readable by the service's own user alone.

Modes are set explicitly once a folder or file is made (0700 and 0600), never left to the umask. A
folder that already exists is left as it is, except the service's own data folder (``var/``) and the
folders in it, which are tightened to 0700.
"""

from __future__ import annotations

import os
from pathlib import Path

from service.config import DEFAULT_DATA_DIR

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# What SQLite keeps beside a database file in WAL mode.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """``path`` as a folder: made 0700 if missing (and so is each missing folder above it)."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for made in reversed(missing):
        try:
            os.mkdir(made, PRIVATE_DIR)
        except FileExistsError:
            continue  # made meanwhile by another process: theirs is checked below if it is ours to tighten
        os.chmod(made, PRIVATE_DIR)
    if _in_data_dir(path):
        for folder in (path, *path.parents):
            os.chmod(folder, PRIVATE_DIR)
            if folder.resolve() == DEFAULT_DATA_DIR.resolve():
                break
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file readable by the service's user alone: made empty if missing, set to 0600 either way."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (replacing what it held), the file set to 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(fd, PRIVATE_FILE)
        handle.write(data)


def private_sqlite_file(database: str) -> None:
    """An SQLite database file (not ``:memory:``) and its folder made private before SQLite opens it, and
    any WAL, shared-memory or journal file beside it set to 0600 (SQLite gives new ones the database
    file's mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    private_dir(path.parent)
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.chmod(companion, PRIVATE_FILE)


def _in_data_dir(path: Path) -> bool:
    data = DEFAULT_DATA_DIR.resolve()
    found = path.resolve()
    return found == data or data in found.parents
