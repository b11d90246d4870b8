"""`main.py admin reviewer` (issue 24): a reviewer of some kinds from the command line, as /nhansu N duyet."""

from __future__ import annotations

import re

from tests.test_cli import run


def test_a_reviewer_of_inspections_from_the_command_line(tmp_path):
    invite = run(tmp_path, "admin", "invite", "--role", "inspector", "--name", "Vũ Người Duyệt")
    code = re.search(r"/start (\w+)", invite.stdout).group(1)
    assert run(tmp_path, "console", "--as", "Vu", stdin=f"/start {code}\n1\n").returncode == 0
    staff = run(tmp_path, "admin", "staff")
    number = re.search(r"^(\d+)\. Vũ Người Duyệt", staff.stdout, re.M).group(1)

    made = run(tmp_path, "admin", "reviewer", "--staff", number, "--kind", "kiem tra", "--kind", "Kế hoạch")
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[0].startswith("Cơ sở dữ liệu: ")
    assert made.stdout.splitlines()[1] == "Đã giao cho Vũ Người Duyệt duyệt: kiểm tra, kế hoạch."
    assert f"{number}. Vũ Người Duyệt — inspector, reviewer" in run(tmp_path, "admin", "staff").stdout
    every = run(tmp_path, "admin", "reviewer", "--staff", number)
    assert every.stdout.splitlines()[1] == "Đã giao cho Vũ Người Duyệt duyệt: mọi loại bản ghi."

    wrong = run(tmp_path, "admin", "reviewer", "--staff", number, "--kind", "hóa chất")
    assert (wrong.returncode, wrong.stderr.strip()) == (2, (
        "Không rõ loại bản ghi: hóa chất. Các loại: kiểm tra, kiểm định, giấy phép, hoạt động, kế hoạch; "
        "hoặc “tất cả”."))
    nobody = run(tmp_path, "admin", "reviewer", "--staff", "99")
    assert (nobody.returncode, nobody.stderr.strip()) == (2, "Không có cán bộ #99: xem số trong `main.py admin staff`.")
