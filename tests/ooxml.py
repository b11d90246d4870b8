"""Every .docx the tests make is checked against the ECMA-376 transitional schemas (tests/data/ooxml).

`docx_errors(path)` runs the bundled validator (tests/data/ooxml/validate_docx.py: Markup Compatibility
preprocessing, then the schemas) and returns its problem lines; `assert_valid_docx(path)` fails the test
on any. tests/conftest.py wraps the report renderer so that every report a test renders in this process
is validated as it is written; tests that build a file some other way call `assert_valid_docx` themselves.
"""

from __future__ import annotations

import importlib.util
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

from lxml import etree

HERE = Path(__file__).resolve().parent / "data" / "ooxml"


@cache
def _validator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validate_docx", HERE / "validate_docx.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    schema = module.load_schema()
    module.load_schema = lambda: schema  # loaded once per test session, not once per file
    return module


def docx_errors(path: Path | str) -> list[str]:
    """The validator's problem lines ("PART:LINE: MESSAGE [at XPATH]"); empty when the file is valid."""
    return [f"{part}:{line}: {message}" for part, line, message in _validator().validate(str(path))]


def assert_valid_docx(path: Path | str) -> Path:
    errors = docx_errors(path)
    assert errors == [], f"{path} is not valid WordprocessingML:\n" + "\n".join(errors)
    return Path(path)


def rewrite_part(src: Path, dst: Path, part: str, edit) -> Path:
    """A copy of src with one part's XML changed by `edit(root)`: how the tests plant a fault."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return dst
