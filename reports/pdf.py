"""A report as PDF, when LibreOffice is installed: `soffice --headless --convert-to pdf`.

Each conversion runs with its own throw-away profile folder (`-env:UserInstallation`), so two at once
do not fight over one profile and nothing is left in the service user's home; the .docx is converted
in a private temporary folder and the PDF returned as bytes. Without LibreOffice `office()` is None and
the web view offers the .docx only.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 120  # seconds: a first start of LibreOffice on a slow machine takes a while


class PdfError(RuntimeError):
    """LibreOffice did not make the PDF (it failed, timed out, or wrote nothing)."""


def office() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(docx: Path, timeout: float = TIMEOUT) -> bytes:
    program = office()
    if program is None:
        raise PdfError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="fieldbot-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        shutil.copyfile(docx, source)
        try:
            done = subprocess.run(
                [program, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                 "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)],
                capture_output=True, timeout=timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice took longer than {timeout:.0f} s") from None
        pdf = folder / "out" / "report.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise PdfError(f"LibreOffice exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
        data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise PdfError("LibreOffice wrote something that is not a PDF")
    return data


async def to_pdf(docx: Path, seconds: float = TIMEOUT) -> bytes:
    """`docx_to_pdf` in a worker thread: the event loop keeps serving meanwhile."""
    return await asyncio.to_thread(docx_to_pdf, docx, seconds)
