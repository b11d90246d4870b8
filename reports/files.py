"""Writing generated files so that a reader never sees half of one, and no file is ever overwritten."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(out_path: Path | str, save: Callable[[str], None], suffix: str) -> Path:
    """Call `save(tmp_path)` on a temporary file beside the target, then give it the target's name —
    or, when that name is taken, the first free one of NAME_2, NAME_3 … Returns the path written."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".partial-", suffix=suffix)
    os.close(fd)
    try:
        save(tmp)
        return _link_free_name(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _link_free_name(tmp: str, out: Path) -> Path:
    """A hard link fails if the name exists, so two writers never take the same name. Where the file
    system has no hard links, the name is reserved by creating it exclusively, then replaced."""
    for n in itertools.count(1):
        candidate = out if n == 1 else out.with_name(f"{out.stem}_{n}{out.suffix}")
        try:
            os.link(tmp, candidate)
            return candidate
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some network and FAT file systems)
            if _reserve(candidate):
                os.replace(tmp, candidate)
                return candidate
    raise AssertionError("unreachable")


def _reserve(path: Path) -> bool:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return True
    except FileExistsError:
        return False
