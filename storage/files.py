"""Files the bot keeps are private: folders 0700, files 0600, whatever the umask; written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path | str) -> Path:
    """Create the folder (and missing parents) and make it 0700."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, DIR_MODE)
    return folder


def write_private(path: Path | str, content: bytes) -> Path:
    """Write `content` to a temporary 0600 file beside `path`, then rename it into place: a reader
    (or a restart after a kill) sees the whole file or none."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return target


def private_temp(beside: Path) -> Path:
    """An empty 0600 file in `beside`'s folder, under a name of its own (.partial-…, so two writers never
    share one): what is then written into it is private from its first byte, whatever the umask. The
    caller names it (link_new, link_free_name, os.replace) or removes it."""
    fd, tmp = tempfile.mkstemp(dir=beside.parent, prefix=".partial-", suffix=beside.suffix)
    os.close(fd)
    return Path(tmp)


def make_private(*paths: Path | str) -> None:
    """chmod 0600 the files among `paths` that exist (a database and its -wal/-shm companions)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, FILE_MODE)


def link_free_name(tmp: str | Path, out: Path) -> Path:
    """`out` when free, else the first free one of NAME_2, NAME_3 … (link_new for each); `tmp` stays for
    the caller to remove."""
    for n in itertools.count(1):
        candidate = out if n == 1 else out.with_name(f"{out.stem}_{n}{out.suffix}")
        try:
            link_new(tmp, candidate)
            return candidate
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def link_new(tmp: str | Path, out: Path) -> None:
    """Give the file `tmp` the name `out`, which must not exist (FileExistsError when it does). A hard
    link fails if the name exists, so two writers never take the same name. Where the file system has no
    hard links, the name is reserved by creating it exclusively, then replaced."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        if not _reserve(out):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(out)) from None
        os.replace(tmp, out)


def _reserve(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return True
    except FileExistsError:
        return False
