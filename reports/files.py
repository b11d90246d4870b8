"""Writing generated files so that a reader never sees half of one, and no file is ever overwritten."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from storage.files import link_free_name as _link_free_name
from storage.files import private_temp


def write_atomically(out_path: Path | str, save: Callable[[str], None], suffix: str) -> Path:
    """Call `save(tmp_path)` on a temporary file beside the target, then give it the target's name —
    or, when that name is taken, the first free one of NAME_2, NAME_3 … Returns the path written."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_temp(out.with_suffix(suffix))
    try:
        save(tmp)
        return _link_free_name(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


