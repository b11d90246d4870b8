"""Writing generated files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(out_path: Path | str, save: Callable[[str], None], suffix: str) -> Path:
    """Call `save(tmp_path)` on a temporary file beside the target, then rename it into place."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".partial-", suffix=suffix)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
