"""Vietnamese texts of the command line (python main.py …): what an operator reads in the terminal."""

from __future__ import annotations

NO_TOKEN_HELP = """\
Chưa cấu hình kênh chat nào (no channel token configured).

  Zalo:     trong ứng dụng Zalo, mở OA "Zalo Bot Manager" → "Tạo bot" (tên bot bắt đầu bằng "Bot");
            Zalo gửi token vào tin nhắn của bạn. Rồi: export ZALO_BOT_TOKEN='…'
  Telegram: tạo bot với @BotFather (lệnh /newbot), rồi: export TELEGRAM_BOT_TOKEN='…'

Sau đó chạy: python main.py run        (xem README.md, mục "Configuration")
Thử ngay trên máy này: python main.py console --as "Tên của bạn"
"""

DEMO_USER = "Người dùng thử"


def demo_console(user: str) -> str:
    return f"Mở console trên cơ sở dữ liệu mẫu, với tư cách “{user}” (Ctrl-D để thoát)."


def demo_loaded(path: str) -> str:
    return f"Đã nạp dữ liệu mẫu tháng 01/2023 vào {path}"


def demo_written(path) -> str:
    return f"Báo cáo mẫu (.docx) đã được ghi tại: {path}"


def report_written(period: str, records: int, path) -> str:
    return f"Báo cáo {period} ({records} bản ghi): {path}"


def export_written(period: str, records: int, path) -> str:
    return f"Dữ liệu {period} ({records} bản ghi): {path}"


def notes_not_imported(error) -> str:
    return f"Không nhập được ghi chú: {error}"


def notes_imported(added: int, month: str) -> str:
    return f"Đã thêm {added} ghi chú cho kỳ {month}."
