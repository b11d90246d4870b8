"""What the administrators read when the bot could not reach someone: a reply undelivered past the
retry horizon, a channel that cannot start; and `main.py admin outbox`."""

_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}

_LIST = "“.venv/bin/python main.py admin outbox”"
_RETRY = "“.venv/bin/python main.py admin outbox retry”"
OUTBOX_EMPTY = "Không có tin nhắn nào chưa gửi được."
OUTBOX_HEADER = "Tin nhắn chưa gửi được ({count}):"
OUTBOX_LINE = "{n}. {channel}:{chat} ({who}) — {state}, {age} — lỗi: {error}\n   “{text}”"
OUTBOX_STATES = {"pending": "đang thử lại", "expired": "đã quá hạn thử lại", "failed": "nền tảng từ chối"}
OUTBOX_RETRIED = "Đã xếp lại {count} tin nhắn để gửi; tiến trình đang chạy sẽ gửi ngay (nếu chưa chạy: khi khởi động)."

def channel_down(channel: str, error: str) -> str:
    name = _NAMES.get(channel, channel)
    return (f"⚠️ Kênh {name} chưa kết nối được ({error}). Hệ thống vẫn phục vụ trên các kênh khác "
            f"và tự thử lại kênh {name}; tin nhắn gửi tới kênh này được giữ lại và gửi khi kết nối lại.")


def outage_started(channel: str, replies: int, people: int, since) -> str:
    """Once per outage: replies of a channel go undelivered past the retry horizon."""
    name = _NAMES.get(channel, channel)
    return (f"⚠️ Kênh {name} không gửi được tin nhắn từ {since:%H:%M ngày %d/%m/%Y}: {replies} tin nhắn tới "
            f"{people} người chưa tới nơi. Tin nhắn vẫn được giữ và hệ thống tiếp tục thử lại; "
            f"xem bằng {_LIST} trên máy chủ. Đồng chí sẽ nhận thêm một thông báo khi kênh gửi được trở lại.")


def outage_ended(channel: str, since, replies: int, people: int) -> str:
    """Once per outage: the channel delivers again."""
    name = _NAMES.get(channel, channel)
    left = (f" Còn {replies} tin nhắn tới {people} người đã quá hạn thử lại: gửi lại bằng {_RETRY}."
            if replies else "")
    return f"✅ Kênh {name} đã gửi được tin nhắn trở lại (sự cố từ {since:%H:%M ngày %d/%m/%Y}).{left}"


def age(minutes: int) -> str:
    """How long ago a reply was queued, as the listing shows it."""
    if minutes < 60:
        return f"{minutes} phút trước"
    if minutes < 48 * 60:
        return f"{minutes // 60} giờ trước"
    return f"{minutes // 1440} ngày trước"
