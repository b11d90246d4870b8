"""The command line, as a newcomer and an admin use it: real processes, real SQLite files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import docx

REPO = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, *args: str, stdin: str = "", extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN") and k != "DATABASE_URL"}
    env.update({"FIELDBOT_DATA_DIR": str(tmp_path / "data"), "FIELDBOT_CONFIG": str(REPO / "config.toml")})
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "main.py", "--log-level", "WARNING", *args],
        cwd=REPO, input=stdin, capture_output=True, text=True, timeout=120, env=env,
    )


def test_no_token_explains_runs_the_demo_and_exits_0(tmp_path):
    result = run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stdout and "ZALO_BOT_TOKEN" in result.stdout
    path = Path(re.search(r"ghi tại: (.+\.docx)", result.stdout).group(1))
    text = "\n".join(p.text for p in docx.Document(path).paragraphs)
    assert "781" in text and "BÁO CÁO" in text


def test_console_registers_with_an_invite_and_lists_commands(tmp_path):
    invite = run(tmp_path, "admin", "invite", "--role", "technician", "--role", "admin", "--name", "Lê Thị Hoa")
    assert invite.returncode == 0, invite.stderr
    code = re.search(r"/start (\w+)", invite.stdout).group(1)
    session = run(tmp_path, "console", "--as", "Hoa", stdin=f"/help\n/start {code}\n1\n/help\n/start {code}\n")
    assert session.returncode == 0, session.stderr
    out = session.stdout
    assert out.index("chỉ dành cho cán bộ được mời") < out.index("Đồng chí có đồng ý?")
    assert "1. Đồng ý\n2. Không đồng ý\n3. Xem toàn văn" in out  # choices as a numbered list, as on Zalo
    assert "Đã đăng ký tài khoản cho đồng chí Lê Thị Hoa; vai trò: kỹ thuật viên kiểm định, quản trị hệ thống." in out
    assert "/nhansu (/staff)" in out and "Tài khoản này đã đăng ký cho Lê Thị Hoa" in out
    staff = run(tmp_path, "admin", "staff")
    assert "Lê Thị Hoa — admin, technician — console:console:hoa" in staff.stdout
    reused = run(tmp_path, "console", "--as", "Khác", stdin=f"/start {code}\n")
    assert "Mã mời không đúng, đã dùng hoặc đã hết hạn" in reused.stdout  # single use


def test_bad_config_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((REPO / "config.toml").read_text(encoding="utf-8").replace("cut_off_day = 14", "cut_off_day = 0"))
    result = run(tmp_path, "migrate", extra_env={"FIELDBOT_CONFIG": str(bad)})
    assert result.returncode == 2
    assert f"{bad}: [reporting] cut_off_day phải từ 1 đến 28" in result.stderr


def test_every_subcommand_has_help(tmp_path):
    for args in (["run"], ["console"], ["migrate"], ["admin", "invite"], ["report"], ["export"], ["demo"]):
        result = run(tmp_path, *args, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout, args


def test_report_and_export_of_an_empty_month(tmp_path):
    out = tmp_path / "r.docx"
    assert run(tmp_path, "report", "--month", "2023-02", "--out", str(out)).returncode == 0
    assert out.exists()
    xlsx = tmp_path / "e.xlsx"
    assert run(tmp_path, "export", "--month", "2023-02", "--out", str(xlsx)).returncode == 0
    assert xlsx.exists()


def test_report_of_a_quarter_a_half_year_and_a_year(tmp_path):
    """--month takes the periods of Nghị định 09/2019, as --help and README say."""
    from docx import Document

    assert "6T/2023" in run(tmp_path, "report", "--help").stdout and "Q1/2023" in run(tmp_path, "export", "--help").stdout
    for typed, line in (("Q1/2023", "Kỳ báo cáo: Quý I năm 2023"), ("quý 2/2023", "Kỳ báo cáo: Quý II năm 2023"),
                        ("6T/2023", "Kỳ báo cáo: 6 tháng đầu năm 2023"), ("2023", "Kỳ báo cáo: Năm 2023")):  # fmt: skip
        out = tmp_path / f"{typed.replace('/', '-')}.docx"
        result = run(tmp_path, "report", "--month", typed, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert line in [p.text for p in Document(str(out)).paragraphs]
    bad = run(tmp_path, "report", "--month", "quý 5/2023", "--out", str(tmp_path / "x.docx"))
    assert bad.returncode == 2 and "quý Q1/2023" in bad.stderr and "Traceback" not in bad.stderr
    notes = tmp_path / "n.txt"
    notes.write_text("A.I\nMột đoạn.\n", encoding="utf-8")
    refused = run(tmp_path, "notes", "import", "--month", "Q1/2023", str(notes))
    assert refused.returncode == 2 and "ghi chú được lưu theo tháng" in refused.stderr
