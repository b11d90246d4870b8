"""Mistakes at the command line end in one sentence, never a traceback.

`CliError` carries the sentence and the exit status: 2 when what was typed is wrong (a month that is
not one, --out naming a folder, a file that does not exist), 1 when the run failed (a folder that
cannot be written, the database in use by another process). The checks below run before any work.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import texts

USAGE, FAILED = 2, 1


class CliError(Exception):
    def __init__(self, sentence: str, status: int = FAILED):
        super().__init__(sentence)
        self.status = status


def reason(error: OSError) -> str:
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return texts.cli.PERMISSION_DENIED
    known = texts.cli.OS_REASONS.get(errno.errorcode.get(error.errno or -1, ""))
    return known or error.strerror or type(error).__name__


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def output_file(text: str, example: str) -> Path:
    """--out: a file name in a folder that exists or can be made, and can be written."""
    out = Path(text).expanduser().absolute()
    if out.is_dir():
        raise CliError(texts.cli.OUT_IS_FOLDER.format(out=out, example=out / example), USAGE)
    existing = _nearest_existing(out.parent)
    if not existing.is_dir():
        raise CliError(texts.cli.OUT_UNDER_FILE.format(out=out, file=existing), USAGE)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CliError(texts.cli.OUT_NOT_WRITABLE.format(folder=existing, reason=texts.cli.PERMISSION_DENIED))
    return out


def not_writable(folder: Path, error: OSError) -> CliError:
    """--out's folder refused the file after all (root passes os.access where the file system refuses)."""
    return CliError(texts.cli.OUT_NOT_WRITABLE.format(folder=folder, reason=reason(error)))


def input_file(text: str) -> Path:
    """A file to read (notes, facilities): it must exist and be a file."""
    path = Path(text).expanduser().absolute()
    if not path.exists():
        raise CliError(texts.cli.FILE_NOT_FOUND.format(path=path), USAGE)
    if path.is_dir():
        raise CliError(texts.cli.NOT_A_FILE.format(path=path), USAGE)
    return path


def data_folder(folder: Path) -> Path:
    """The data folder exists (made if need be) and can be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(texts.cli.DATA_NOT_WRITABLE.format(folder=folder, reason=reason(error))) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CliError(texts.cli.DATA_NOT_WRITABLE.format(folder=folder, reason=texts.cli.PERMISSION_DENIED))
    return folder
