"""The newcomer's first look and the files the command line writes: the demo touches nothing real,
no generated file is ever overwritten, counts are of captured records, and every command the
program prints for a person to type works as typed from the README's setup."""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
import sys
from pathlib import Path

import docx

from tests.test_cli_errors import REPO, cli_env, run

PRINTED_COMMAND = re.compile(r"(\S*python\S*) main\.py([^\n]*)")


def written_path(stdout: str) -> Path:
    return Path(re.search(r"(/\S+\.(?:docx|xlsx))", stdout).group(1))


def test_the_demo_has_its_own_documents_and_overwrites_nothing(tmp_path):
    data = tmp_path / "data"
    real = data / "BaoCao_KHCN_2023-01.docx"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"the department's own report")
    first = run(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    made = written_path(first.stdout)
    assert made.is_relative_to(data / "demo") and made.exists()
    second = run(tmp_path, "demo")
    again = written_path(second.stdout)
    assert again != made and again.exists() and again.name.endswith("_2.docx"), second.stdout
    assert made.exists() and real.read_bytes() == b"the department's own report"
    assert not (data / "documents").exists() and not (data / "fieldbot.sqlite3").exists()


def test_report_and_export_never_overwrite_a_file(tmp_path):
    for command, name in (("report", "BaoCao.docx"), ("export", "DuLieu.xlsx")):
        out = tmp_path / name
        out.write_bytes(b"keep me")
        result = run(tmp_path, command, "--month", "2023-01", "--out", str(out))
        assert result.returncode == 0, result.stderr
        made = written_path(result.stdout)
        assert made == out.with_name(out.stem + "_2" + out.suffix) and made.stat().st_size > 1000
        assert out.read_bytes() == b"keep me"
        assert name in result.stdout  # says that the name was taken


def test_an_empty_month_counts_no_records(tmp_path):
    result = run(tmp_path, "report", "--month", "2023-02", "--out", str(tmp_path / "r.docx"))
    assert result.returncode == 0, result.stderr
    assert "(0 bản ghi)" in result.stdout, result.stdout


def test_the_demo_console_is_in_the_model_month(tmp_path):
    assert run(tmp_path, "demo").returncode == 0
    session = run(tmp_path, "console", "--demo", stdin="/baocao\n")
    assert session.returncode == 0, session.stderr
    out = session.stdout
    assert "Đang lập báo cáo tháng 01/2023 (15/12/2022–14/01/2023)" in out, out
    records = int(re.search(r"báo cáo tháng 01/2023 từ (\d+) bản ghi", out).group(1))
    document = Path(re.search(r"Tệp: (\S+\.docx)", out).group(1))
    assert document.is_relative_to(tmp_path / "data" / "demo")
    text = "\n".join(p.text for p in docx.Document(document).paragraphs)
    assert "781" in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"tháng 01/2023 từ {records} bản ghi" in readme  # the README's example is what one sees
    assert not (tmp_path / "data" / "documents").exists()


def _commands_in(text: str) -> list[str]:
    return [m.group(0) for m in PRINTED_COMMAND.finditer(text)]


def _works_as_typed(command: str) -> None:
    """The command names the virtual environment's python and its arguments parse (tried with --help)."""
    match = PRINTED_COMMAND.match(command)
    assert match.group(1) == ".venv/bin/python", command
    words = shlex.split(re.split(r"\s{2,}|#|\(", match.group(2))[0].replace("…", "x"))
    result = subprocess.run([sys.executable, "main.py", *words, "--help"], cwd=REPO, capture_output=True,
                            text=True, timeout=60, env=cli_env(Path("/nonexistent")))
    assert result.returncode == 0 and "usage:" in result.stdout, (command, result.stderr)


def test_every_printed_command_works_as_typed(tmp_path):
    printed = run(tmp_path, "run").stderr + run(tmp_path).stdout + run(tmp_path, "console", "--as", "X").stdout
    commands = _commands_in(printed)
    assert len(commands) >= 3, printed
    for command in commands:
        _works_as_typed(command)


def test_the_readme_commands_work_as_typed():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Commands", 1)[1].split("```", 2)[1]
    commands = _commands_in(block)
    assert len(commands) >= 8
    for command in commands:
        _works_as_typed(command)


def _strings_for_people(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, docstrings left out (they are for programmers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_text_for_people_names_a_bare_python():
    """Sentences in the chat and on the terminal name the command as it is typed after the README's setup."""
    sources = [p for folder in ("app", "bot", "handlers", "texts") for p in (REPO / folder).rglob("*.py")]
    offenders = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for path in [*sources, REPO / "main.py"]
        for line, text in _strings_for_people(path)
        if re.search(r"(?<!\.venv/bin/)\bpython3? main\.py", text)
    ]
    assert offenders == []
