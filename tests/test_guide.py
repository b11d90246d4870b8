"""The newcomer's guide (the top of docs/design.md) against the tree: every file it points to exists, and
every name it gives in brackets after a file ("`handlers/forms.py` (`Form`, `RecordStore`)") is in that file."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUIDE_END = "\nA chatbot that a provincial"


def guide(text: str | None = None) -> str:
    text = text if text is not None else (REPO / "docs" / "design.md").read_text(encoding="utf-8")
    return text[: text.index(GUIDE_END)]


def problems(text: str, root: Path = REPO) -> list[str]:
    found = []
    for match in re.finditer(r"`([\w./-]+\.(?:py|toml|md))`((?:\s*\((?:`[\w.]+`(?:, )?)+[^)]*\))?)", text):
        path, names = match[1], re.findall(r"`([\w.]+)`", match[2])
        if "<" in path:
            continue
        if not (root / path).is_file():
            found.append(f"{path}: no such file")
            continue
        source = (root / path).read_text(encoding="utf-8")
        found += [f"{path}: no {name}" for name in names if not re.search(rf"\b{re.escape(name)}\b", source)]
    for folder in re.findall(r"`([\w/]+/)`", text):
        if "<" not in folder and not (root / folder).is_dir():
            found.append(f"{folder}: no such folder")
    return found


def test_every_file_and_name_the_guide_points_to_is_in_the_tree():
    assert problems(guide()) == []


def test_the_guide_check_sees_a_missing_file_and_a_missing_name(tmp_path):
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "forms.py").write_text("class Form: ...\n")
    text = "| add a form | `handlers/forms.py` (`Form`, `Declaration`) | `handlers/gone.py` |"
    assert problems(text, tmp_path) == ["handlers/forms.py: no Declaration", "handlers/gone.py: no such file"]
