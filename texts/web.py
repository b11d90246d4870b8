"""The managers' web view (webview/): /web in the chat, the sign-in pages and every word of the pages.

The page templates (webview/templates/) hold no words of their own: they print these names
(`{{ t.NAME }}`, `t` is this module), so a Vietnamese reviewer finds the web view's wording here.
"""

from __future__ import annotations

# --- /web in the chat ------------------------------------------------------------------------------

COMMAND_DESCRIPTION = "Mở trang web quản lý (đăng nhập bằng liên kết)"
NOT_SET_UP = ("Trang web quản lý chưa được cấu hình (thiếu [web] public_url trong config.toml). "
              "Vui lòng báo quản trị viên.")


def sign_in_link(url: str, minutes: int) -> str:
    return (f"Liên kết đăng nhập trang web quản lý (dùng một lần, trong {minutes} phút):\n{url}\n"
            "Không chuyển liên kết này cho người khác.")


# --- the layout ------------------------------------------------------------------------------------

LANG = "vi"
SITE = "Trang quản lý"
SKIP = "Bỏ qua, tới nội dung"
NAV_MONTH = "Tổng quan kỳ"
NAV_RECORDS = "Bản ghi"
NAV_FACILITIES = "Cơ sở"
SIGNED_IN_AS = "Đang đăng nhập:"
SIGN_OUT = "Đăng xuất"
PRINT = "In trang"

# --- signing in and out ----------------------------------------------------------------------------

SIGN_IN_TITLE = "Đăng nhập"
SIGN_IN_INTRO = "Đăng nhập trang web quản lý bằng liên kết vừa nhận trong cuộc trò chuyện."
SIGN_IN_BUTTON = "Đăng nhập"
SIGNED_OUT_TITLE = "Chưa đăng nhập"
SIGNED_OUT = ("Vui lòng gõ /web trong cuộc trò chuyện trên Zalo hoặc Telegram để nhận liên kết đăng nhập. "
              "Phiên làm việc kết thúc khi đăng xuất hoặc sau một thời gian không dùng.")
LINK_USED_TITLE = "Liên kết đã được dùng"
LINK_USED = "Mỗi liên kết đăng nhập chỉ dùng được một lần. Vui lòng gõ lại /web để nhận liên kết mới."
LINK_EXPIRED_TITLE = "Liên kết đã hết hạn"
LINK_EXPIRED = "Liên kết đăng nhập chỉ dùng được trong 10 phút. Vui lòng gõ lại /web để nhận liên kết mới."
LINK_UNKNOWN_TITLE = "Liên kết không đúng"
LINK_UNKNOWN = "Liên kết đăng nhập không đúng. Vui lòng gõ lại /web trong cuộc trò chuyện để nhận liên kết mới."
SIGNED_OUT_DONE = "Đã đăng xuất."

# --- refusals --------------------------------------------------------------------------------------

FORBIDDEN_TITLE = "Không có quyền xem trang này"
FORBIDDEN = "Vai trò của tài khoản này không được xem trang này. Nếu cần, vui lòng liên hệ quản trị viên."
CSRF_TITLE = "Yêu cầu không hợp lệ"
CSRF = "Biểu mẫu đã cũ hoặc không gửi từ trang này. Vui lòng tải lại trang và thử lại."
NOT_FOUND_TITLE = "Không tìm thấy"
NOT_FOUND = "Trang hoặc tệp này không có, hoặc đã bị xóa."
