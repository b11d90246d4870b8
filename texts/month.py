"""The month page of the web view (issue 25): its headings, the figures' labels, the charts' words.

The figures themselves print as the report prints them ("05", "09/09"); these are the words around them.
"""

from __future__ import annotations

# --- the kinds of record, as the charts and the comparison name them ----------------------------------------

RECORD_KINDS = {
    "calibration": "Kiểm định PTĐ",
    "inspection": "Kiểm tra cơ sở",
    "licence": "Giấy phép, chứng chỉ",
    "activity": "Hoạt động",
}
REVIEW_KINDS = {  # storage.review's kinds
    "inspection": "Kiểm tra cơ sở",
    "calibration_batch": "Kiểm định PTĐ",
    "licence": "Giấy phép, chứng chỉ",
    "activity": "Hoạt động",
    "plan": "Kế hoạch KT-TT",
}
RECORDS_OF_KIND = "Bản ghi {kind}"  # a comparison row: "Bản ghi Kiểm định PTĐ"

# --- the figures behind the report's sections ------------------------------------------------------------

CAL_VERIFIED = "PTĐ kiểm định, hiệu chuẩn"
CAL_REJECTED = "PTĐ loại bỏ"
CAL_CERTIFICATES = "Giấy chứng nhận cấp"
CAL_TABLE_HEADERS = ("STT", "Lĩnh vực kiểm định", "Đơn vị tính", "Số PTĐ kiểm định, hiệu chuẩn", "Số PTĐ loại bỏ",
                     "Cấp giấy chứng nhận")  # the report's own table headers
CAL_TOTAL = "Tổng"
LICENCES_TOTAL = "Giấy phép, chứng chỉ đã cấp"
LICENCE_LINE = "{action} {kind}"  # "Cấp mới giấy phép sử dụng thiết bị X-quang …"
PLANS_APPROVED = "Kế hoạch thanh tra, kiểm tra trong kỳ"
AUDITS = "Cuộc thanh tra"
INSPECTION_PLANS = "Kế hoạch kiểm tra đã thực hiện"
FACILITIES_AUDITED = "Cơ sở được thanh tra"
FACILITIES_INSPECTED = "Cơ sở được kiểm tra"
FACILITIES_FAILED = "Cơ sở chưa đạt yêu cầu"
ENTERPRISES = "Doanh nghiệp"
AUTHORS = "Tác giả"
SECTORS = "Lĩnh vực"
NOTE_PARAGRAPHS = "Đoạn ghi chú"

# --- a plan's results, worded as the report's "Kết quả:" -----------------------------------------------------

PLAN_HEADING = "{number} ngày {date} của {issuer}"
MEETS = "đạt yêu cầu"
FAILS = "chưa đạt yêu cầu"

# --- this period against the previous one ----------------------------------------------------------------

COMPARE_VERIFIED = "PTĐ kiểm định, hiệu chuẩn"
COMPARE_FACILITIES = "Cơ sở được kiểm tra, thanh tra"
COMPARE_FAILED = "Cơ sở chưa đạt yêu cầu"
COMPARE_LICENCES = "Giấy phép, chứng chỉ"

# --- the charts --------------------------------------------------------------------------------------------

WEEKLY_TITLE = "Bản ghi theo tuần và loại"
WEEKLY_DESC = "{total} bản ghi trong {period}, từ {start} đến {end}, chia theo tuần và loại bản ghi."
WEEK_TIP = "Tuần {start} – {end}: {count} bản ghi"  # a bar's tooltip
WEEKLY_EMPTY = "Chưa có bản ghi nào trong kỳ."
COMPARE_TITLE = "{current} so với {previous}"
COMPARE_DESC = "Số liệu của {current} (cột đậm) và {previous} (cột nhạt)."
COMPARE_TIP = "{label}: {current} (kỳ này), {previous} (kỳ trước)"

# --- the page ----------------------------------------------------------------------------------------------

TITLE = "Tổng quan {period}"  # "Tổng quan tháng 01 năm 2023"
CHOOSE = "Xem kỳ khác"
CHOOSE_HINT = "Tháng (01/2023), quý (Q1/2023), 6 tháng (6T/2023) hoặc năm (2023)"
CHOOSE_BUTTON = "Xem"
CURRENT = "Kỳ hiện tại"
PREVIOUS_LINK = "‹ {period}"
NEXT_LINK = "{period} ›"
JUST_ENDED = "Đang trong những ngày làm báo cáo: trang mở kỳ vừa kết thúc."
TOTAL = "Bản ghi trong kỳ"
WAITING = "Chờ duyệt"
RETURNED = "Cần bổ sung"
APPROVED = "Đã duyệt"
REVIEW_HEADING = "Bản ghi chờ duyệt"
REVIEW_NONE = "Không có bản ghi nào chờ duyệt trong kỳ."
REVIEW_KIND = "Loại bản ghi"
CHARTS_HEADING = "Bản ghi trong kỳ"
WEEKS_TABLE = "Số liệu của biểu đồ"
WEEK = "Tuần"
SECTIONS_HEADING = "Số liệu theo mục của báo cáo"
SECTIONS_INTRO = "Các số liệu dưới đây là số liệu báo cáo {period} in ra, tính cùng một cách."
FIGURE = "Nội dung"
VALUE = "Số liệu"
NOTES = "{count} đoạn ghi chú"
EMPTY_SECTIONS = "Không có số liệu, ghi chú trong kỳ: {sections}."
OTHER = "Hoạt động khác"
PLAN_KINDS = "Cơ sở theo loại"
PLAN_RESULTS = "Kết quả"
PLAN_FAILED = "Cơ sở chưa đạt yêu cầu"
AUDIT_PLAN = "Thanh tra"
INSPECTION_PLAN = "Kiểm tra"
DOWNLOADS = "Tải về"
DOWNLOAD_REPORT = "Báo cáo (.docx)"
DOWNLOAD_PDF = "Báo cáo (.pdf)"
DOWNLOAD_EXPORT = "Dữ liệu (.xlsx)"
NO_PDF = "Bản PDF cần LibreOffice trên máy chủ."
PDF_FAILED = "Không tạo được bản PDF của báo cáo. Vui lòng tải bản .docx."
