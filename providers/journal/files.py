"""The journal's files are private: its folder 0700, the journal, its -wal and -shm, the head
file, receipts and exports 0600. Files made before are tightened when the journal opens;
each is said once, since once tightened there is nothing more to say."""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> list[str]:
    """Make the folder (0700), or tighten it; returns what was tightened. The folders made
    on the way to it are 0700 too (the data folder above the demo's)."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    return _tighten(path, DIRECTORY_MODE)


def private_file(path: Path, *, create: bool = True) -> list[str]:
    """The file (made empty and 0600 when `create`) and its SQLite companions, tightened."""
    said = private_directory(path.parent)
    if create and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if each.exists():
            said += _tighten(each, FILE_MODE)
    return said


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (a receipt, an export)."""
    private_directory(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _tighten(path: Path, mode: int) -> list[str]:
    now = stat.S_IMODE(path.stat().st_mode)
    if now & ~mode == 0:
        return []
    path.chmod(now & mode)
    return [f"{path} was readable by others ({now:o}); it is now {now & mode:o}, yours alone."]
