"""The report's and the export's own words: section titles, period names, the department's default
names, the .xlsx sheets and columns. (The report's headings and sentences are in texts/report_template.py,
from which reports/make_template.py builds the Word template.)"""

# --- sections that take notes (/ghichu, `notes import`), in report order ---------------------------------

SECTION_TITLES: tuple[tuple[str, str], ...] = (
    ("A.I", "Xây dựng cơ chế, chính sách, pháp luật về KH&CN"),
    ("A.II.1.1", "Công tác xây dựng kế hoạch KH&CN"),
    ("A.II.1.2", "Công tác triển khai nhiệm vụ KH&CN"),
    ("A.II.2", "Đánh giá, thẩm định, giám định, chuyển giao công nghệ"),
    ("A.III.1", "Phát triển nhân lực KH&CN"),
    ("A.III.2.1", "Hỗ trợ doanh nghiệp, phát triển thị trường KH&CN"),
    ("A.III.2.2", "Hỗ trợ khởi nghiệp, đổi mới sáng tạo"),
    ("A.III.3", "Thông tin KH&CN"),
    ("A.IV.1", "Quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng"),
    ("A.IV.2", "Dịch vụ tiêu chuẩn, đo lường, chất lượng"),
    ("A.V.1", "Sở hữu trí tuệ"),
    ("A.V.2", "Hoạt động sáng kiến"),
    ("A.VI.1", "Ứng dụng năng lượng nguyên tử"),
    ("A.VI.2", "An toàn bức xạ và hạt nhân"),
    ("A.VII.1", "Chương trình, kế hoạch thanh tra, kiểm tra"),
    ("A.VII.2", "Công tác thanh tra"),
    ("A.VII.3", "Công tác kiểm tra"),
    ("A.VII.4", "Tiếp công dân, giải quyết khiếu nại, tố cáo"),
    ("B", "Phương hướng, nhiệm vụ trọng tâm kỳ sau"),
)

# --- periods in words (Nghị định 30/2020) -------------------------------------------------------------------

MONTH = "tháng {month}"  # "tháng 01"
QUARTER = "quý {roman}"  # "quý I"
FIRST_HALF = "6 tháng đầu"
SECOND_HALF = "6 tháng cuối"
YEAR = "năm {year}"
WITH_YEAR = "{phrase} năm {year}"  # "tháng 01 năm 2023"
DATE_WORDS = "ngày {day} tháng {month} năm {year}"  # header dates and the period line
PERIOD_LINE = "Kỳ báo cáo: {label}"
PERIOD_SPAN = "(Từ {start} đến {end})"

# --- the department, where [organisation] leaves a name out ----------------------------------------------------

DEPARTMENT_NAME = "Sở Khoa học và Công nghệ"
DEPARTMENT_SHORT = "Sở"
CALIBRATION_CENTRE = "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"
INSPECTION_UNIT = "Chi cục Tiêu chuẩn Đo lường Chất lượng"
LOCALITY = "tỉnh {province}"

# --- the .xlsx export: sheets, columns and the words in cells ---------------------------------------------------

SHEET_CALIBRATION = "Kiểm định PTĐ"
SHEET_INSPECTIONS = "Kiểm tra cơ sở"
SHEET_PLANS = "Kế hoạch KT-TT"
SHEET_LICENCES = "Giấy phép, chứng chỉ"
SHEET_ACTIVITIES = "Hoạt động"
SHEET_NOTES = "Ghi chú"

COLUMNS_CALIBRATION = ("Ngày", "Lĩnh vực", "Số PTĐ kiểm định, hiệu chuẩn", "Số PTĐ loại bỏ", "Giấy chứng nhận",
                       "Khách hàng")
COLUMNS_INSPECTIONS = ("Ngày", "Kế hoạch", "Cơ sở", "Loại cơ sở", "Mã số thuế", "Đạt yêu cầu", "Tiêu chí không đạt",
                       "Số cột đo kiểm tra", "Cột đo", "Vi phạm", "Xử lý", "Tiền phạt (đồng)", "Ảnh")
COLUMNS_PLANS = ("Số, ký hiệu", "Ngày", "Cơ quan ban hành", "Trích yếu", "Loại")
COLUMNS_LICENCES = ("Ngày cấp", "Loại", "Hình thức", "Số", "Tổ chức, cá nhân", "Cơ sở", "Hết hạn")
COLUMNS_ACTIVITIES = ("Ngày", "Loại", "Số lượng", "Chi tiết", "Số tác giả", "Quyết định")
COLUMNS_NOTES = ("Mục", "Thứ tự", "Nội dung")

COLUMN_RECORDED_BY = "Người nhập"  # the last column of every sheet: who recorded it
COLUMN_REVIEW = "Trạng thái duyệt"  # before it, on every sheet of records (notes are not reviewed)
REVIEW_STATES = {"waiting": "chờ duyệt", "returned": "cần bổ sung", "approved": "đã duyệt"}

COMPLIANT = "Đạt"
NOT_COMPLIANT = "Không đạt"
PLAN_INSPECTION = "Kiểm tra"
PLAN_AUDIT = "Thanh tra"
PUMP_EXPIRED = ", hết hạn kiểm định"
PUMP_SEALS_BROKEN = ", mất niêm phong"
PUMP_OUT_OF_LIMIT = ", vượt giới hạn"

# --- the inspection results in the report ---------------------------------------------------------------


def failed_phrase(phrase: str) -> str:
    """A criterion's phrase for the facilities that failed it, when the catalogue gives no
    `failed_phrase`: "chưa" before it, a leading "có" dropped ("có lưu giữ đầy đủ hồ sơ chất lượng"
    → "chưa lưu giữ đầy đủ hồ sơ chất lượng")."""
    phrase = phrase.strip()
    if phrase.lower().startswith("có "):
        phrase = phrase[3:].lstrip()
    return "chưa " + phrase


UNKNOWN_KIND_NOUN = "cơ sở {key}"  # a facility kind removed from the catalogue after its visits
SUBJECT_PREFIXES = ("v/v ", "về việc ", "về ")  # a plan's trích yếu follows "về" without its own
ABOUT = "về"  # "Kế hoạch số … của … về kiểm tra chất lượng …"
ABOUT_MATTER = "về việc"  # when the trích yếu says "về" itself: "… về việc kiểm tra về đo lường …"
