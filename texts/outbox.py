"""What the administrators read when the bot could not reach someone: a reply undelivered past the
retry horizon, a channel that cannot start; and `main.py admin outbox`."""

_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}

UNDELIVERED_NOTICE = (
    "⚠️ Hệ thống chưa gửi được một tin nhắn tới {who} ({channel}) sau {hours} giờ thử lại (lỗi: {error}). "
    "Tin nhắn vẫn được giữ: xem bằng “.venv/bin/python main.py admin outbox” trên máy chủ, "
    "gửi lại bằng “.venv/bin/python main.py admin outbox retry”."
)
OUTBOX_EMPTY = "Không có tin nhắn nào chưa gửi được."
OUTBOX_HEADER = "Tin nhắn chưa gửi được ({count}):"
OUTBOX_LINE = "{n}. {channel}:{chat} ({who}) — {state}, {age} — lỗi: {error}\n   “{text}”"
OUTBOX_STATES = {"pending": "đang thử lại", "expired": "đã quá hạn thử lại", "failed": "nền tảng từ chối"}
OUTBOX_RETRIED = "Đã xếp lại {count} tin nhắn để gửi; tiến trình đang chạy sẽ gửi ngay (nếu chưa chạy: khi khởi động)."

def channel_down(channel: str, error: str) -> str:
    name = _NAMES.get(channel, channel)
    return (f"⚠️ Kênh {name} chưa kết nối được ({error}). Hệ thống vẫn phục vụ trên các kênh khác "
            f"và tự thử lại kênh {name}; tin nhắn gửi tới kênh này được giữ lại và gửi khi kết nối lại.")


def age(minutes: int) -> str:
    """How long ago a reply was queued, as the listing shows it."""
    if minutes < 60:
        return f"{minutes} phút trước"
    if minutes < 48 * 60:
        return f"{minutes // 60} giờ trước"
    return f"{minutes // 1440} ngày trước"
