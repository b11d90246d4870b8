"""Demo data: the records behind every figure of the model report of January 2023.

`load_demo` writes, through storage.records, what a department's staff would have captured from
15/12/2022 to 14/01/2023 for the report in tests/data/monthly-report-2023-01.md: 781 measuring
instruments in 7 fields, 13 facilities inspected under plan 3826/KH-TĐC, 04 X-ray licences and 03
radiation-worker certificates, the conformity notices, steel registrations, S&T certificates,
initiatives, and the model's narrative paragraphs as notes of their sections (typos corrected).
The facilities, holders and enterprises are invented; the figures are the model's.

The narrative names the locality ("tỉnh …"); it is a parameter so a demo for another department
does not print the model province's name.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storage import records
from storage.catalogue import Catalogue
from storage.db import Database
from storage.domain import (
    Activity,
    CalibrationBatch,
    ChecklistAnswer,
    Facility,
    InspectionVisit,
    Licence,
    Note,
    Plan,
    PumpCheck,
    RecordMeta,
)
from storage.text import fold

DEMO_CONFIG = Path(__file__).with_name("demo.toml")
DEMO_PERIOD = "2023-01"
DEMO_EVENT = "demo:2023-01"
PLAN_NUMBER = "3826/KH-TĐC"
D = dt.date

# (field, business date, verified): 781 in all, nothing rejected, a certificate for each instrument.
CALIBRATION = (
    ("dien", D(2022, 12, 20), 40), ("dien", D(2023, 1, 9), 27),
    ("khoi_luong", D(2022, 12, 22), 67),
    ("dung_tich", D(2022, 12, 16), 60), ("dung_tich", D(2023, 1, 5), 59),
    ("ap_suat", D(2022, 12, 28), 20),
    ("dien_tro_noi_dat", D(2023, 1, 4), 7),
    ("x_quang", D(2023, 1, 11), 1),
    ("dong_ho_nuoc", D(2022, 12, 19), 300), ("dong_ho_nuoc", D(2023, 1, 13), 200),
)  # fmt: skip

# (kind, name, tax code): 09 fuel stations, 03 electrical-goods shops, 01 gas shop.
FACILITIES = tuple(
    [("xang_dau", f"Cửa hàng xăng dầu số {i:02d}", f"09000000{i:02d}") for i in range(1, 10)]
    + [("dien_dien_tu", f"Cửa hàng điện máy số {i:02d}", f"09000001{i:02d}") for i in range(1, 4)]
    + [("gas", "Cửa hàng gas số 01", "0900000201")]
)

# (kind, holder, facility, issue date)
LICENCES = (
    ("xquang_y_te", "Phòng khám đa khoa số 1", "Phòng khám đa khoa số 1", D(2022, 12, 21)),
    ("xquang_y_te", "Phòng khám đa khoa số 2", "Phòng khám đa khoa số 2", D(2022, 12, 27)),
    ("xquang_y_te", "Trung tâm y tế số 3", "Trung tâm y tế số 3", D(2023, 1, 6)),
    ("xquang_y_te", "Bệnh viện tư nhân số 4", "Bệnh viện tư nhân số 4", D(2023, 1, 12)),
    ("chung_chi_nvbx", "Trần Văn Bình", "Phòng khám đa khoa số 1", D(2022, 12, 21)),
    ("chung_chi_nvbx", "Lê Thị Hoa", "Trung tâm y tế số 3", D(2023, 1, 6)),
    ("chung_chi_nvbx", "Phạm Văn Cường", "Bệnh viện tư nhân số 4", D(2023, 1, 12)),
)

SANG_KIEN_DECISION = "Quyết định số 84/QĐ-CTUBND ngày 12/01/2023 về việc công nhận sáng kiến đợt 2, năm 2022"
STEEL = (12, 10, 9, 9, 9, 9, 8, 8, 7, 7)  # 88 registrations from 10 enterprises

# (kind, date, count, detail, authors, decision)
ACTIVITIES = (
    ("hop_chuan", D(2022, 12, 23), 3, "", 0, ""),
    ("hop_chuan", D(2023, 1, 10), 2, "", 0, ""),
    ("hop_quy", D(2023, 1, 3), 10, "", 0, ""),
    *(
        ("thep_nhap_khau", D(2022, 12, 15) + dt.timedelta(days=3 * i), n, f"Công ty TNHH Thép nhập khẩu số {i + 1:02d}", 0, "")
        for i, n in enumerate(STEEL)
    ),
    ("gcn_ket_qua_nhiem_vu", D(2022, 12, 29), 1, "", 0, ""),
    ("gcn_ket_qua_nhiem_vu", D(2023, 1, 5), 1, "", 0, ""),
    ("gcn_ket_qua_nhiem_vu", D(2023, 1, 11), 1, "", 0, ""),
    ("nghiem_thu_nhiem_vu", D(2023, 1, 10), 1, "", 0, ""),
    ("y_kien_cong_nghe", D(2022, 12, 26), 1, "may mặc", 0, ""),
    ("y_kien_cong_nghe", D(2023, 1, 9), 1, "dây và cáp điện", 0, ""),
    ("sang_kien", D(2023, 1, 12), 21, "đợt 2 năm 2022", 43, SANG_KIEN_DECISION),
)  # fmt: skip

# (section, position, text): negative positions come before the section's figures.
NOTES = (
    ("A.I", 0, "Trong tháng 01 năm 2023, Sở Khoa học và Công nghệ (sau đây gọi tắt là Sở) đã tham mưu UBND tỉnh ban hành Quyết định số 103/QĐ-UBND ngày 13/01/2023 về việc phê duyệt Kế hoạch khoa học và công nghệ {locality} năm 2023."),
    ("A.II.1.1", 0, "- Sở đã xây dựng dự thảo Quyết định về việc phê duyệt kế hoạch khoa học và công nghệ {locality} năm 2023 trình UBND tỉnh phê duyệt (Quyết định số 103/QĐ-UBND ngày 13/01/2023 về việc phê duyệt kế hoạch khoa học và công nghệ {locality} năm 2023)."),
    ("A.III.1", 0, "Ban hành Kế hoạch đào tạo, bồi dưỡng năm 2023, tạo điều kiện cho công chức, viên chức được tham gia các lớp đào tạo, bồi dưỡng nhằm nâng cao nhận thức chính trị, nâng cao năng lực, chuyên môn, nghiệp vụ."),
    ("A.III.2.1", 0, "Phối hợp với Sàn giao dịch công nghệ trung ương xúc tiến “Sàn Giao dịch công nghệ thiết bị {locality}” (tên miền {website})."),
    ("A.III.2.2", 0, "Xây dựng Kế hoạch Hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo trên địa bàn tỉnh năm 2023."),
    ("A.III.3", 1, "Thường xuyên thống kê các nguồn dữ liệu vào cổng thông tin Thư viện Quốc gia (cập nhật kết quả các nhiệm vụ khoa học và công nghệ đã được đánh giá, nghiệm thu);"),
    ("A.III.3", 2, "- Xây dựng nội dung bản tin KH&CN số 01 năm 2023 nhằm phổ biến, tuyên truyền và cung cấp thông tin khoa học và công nghệ cho các tổ chức, cá nhân liên quan; thường xuyên đăng tải tin bài, các văn bản liên quan trên Cổng thông tin điện tử của Sở;"),
    ("A.IV.1", -1, "- Phổ biến hướng dẫn các doanh nghiệp trên địa bàn tỉnh thực hiện Luật Tiêu chuẩn và Quy chuẩn kỹ thuật; Luật Chất lượng sản phẩm, hàng hóa; Luật Đo lường; phổ biến, hướng dẫn các tổ chức, cá nhân liên quan thực hiện Quy định về công bố hợp chuẩn, công bố hợp quy và phương thức đánh giá sự phù hợp với tiêu chuẩn, quy chuẩn kỹ thuật;"),
    ("A.IV.1", 1, "- Tiếp nhận các thông báo về dự thảo các văn bản kỹ thuật của các nước thành viên WTO do văn phòng TBT Việt Nam gửi qua cổng thông tin điện tử của mạng lưới TBT và chuyển tới các tổ chức, cá nhân có liên quan trên địa bàn tỉnh. Trả lời, hướng dẫn các doanh nghiệp và các vấn đề liên quan tới tiêu chuẩn, quy chuẩn kỹ thuật, quy trình đánh giá sự phù hợp và hàng rào kỹ thuật trong thương mại;"),
    ("A.IV.1", 2, "- Tham mưu UBND tỉnh ban hành Kế hoạch số 208/KH-UBND ngày 27/12/2022 về kiểm tra hoạt động áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo tiêu chuẩn ISO 9001 tại các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước {locality} năm 2023."),
    ("A.V.1", 0, "Xây dựng Kế hoạch triển khai thực hiện “Chương trình Phát triển tài sản trí tuệ {locality} giai đoạn 2021-2025, định hướng đến năm 2030” năm 2023."),
    ("A.V.2", -1, "- Xây dựng Kế hoạch triển khai hoạt động sáng kiến năm 2023;"),
    ("A.V.2", 1, "- Trình Hội đồng sáng kiến tỉnh ban hành các Quyết định số: 66/QĐ-HĐSK ngày 11/01/2023 về việc ban hành quy chế hoạt động của Hội đồng sáng kiến {locality}; số 34/QĐ-UBND ngày 09/01/2023 về việc kiện toàn Hội đồng sáng kiến {locality}."),
    ("A.VI.1", 0, "Xây dựng Kế hoạch triển khai Đề án “Điều tra, đánh giá, xây dựng bộ dữ liệu phông phóng xạ môi trường phục vụ phát triển kinh tế - xã hội {locality}” năm 2023;"),
    ("A.VI.2", -1, "- Thực hiện quản lý hoạt động bức xạ trên địa bàn tỉnh theo quy định: tổng hợp thông tin về công tác quản lý nhà nước về an toàn bức xạ, hạt nhân năm 2022;"),
    ("A.VII.1", 0, "Ban hành Quyết định số 307/QĐ-SKH&CN ngày 14/12/2022 của Giám đốc Sở Khoa học và Công nghệ về việc phê duyệt Kế hoạch thanh tra về khoa học và công nghệ năm 2023."),
    ("B", 0, "Để hoạt động KH&CN đạt được hiệu quả cao, ngày càng có vai trò và đóng góp nhiều hơn trong sự nghiệp phát triển kinh tế - xã hội của tỉnh, toàn ngành KH&CN của tỉnh cần tập trung phấn đấu thực hiện tốt các nhiệm vụ và giải pháp chủ yếu sau:"),
    ("B", 1, "1. Tiếp tục tăng cường công tác quản lý Nhà nước trong lĩnh vực khoa học và công nghệ; các nhiệm vụ khoa học và công nghệ cấp Nhà nước, cấp Bộ; các dự án thuộc chương trình nông thôn miền núi triển khai trên địa bàn tỉnh."),
    ("B", 2, "2. Tiếp tục tham mưu tổ chức triển khai thực hiện hiệu quả các văn bản do HĐND, UBND tỉnh ban hành: Nghị quyết số 295/2020/NQ-HĐND ngày 10/7/2020 của Hội đồng nhân dân tỉnh quy định nội dung và mức chi thực hiện Đề án hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo quốc gia đến năm 2025 trên địa bàn {locality}; Nghị quyết số 14/2020/NQ-HĐND ngày 30/6/2020 của Hội đồng nhân dân tỉnh Quy định về nội dung và mức chi từ ngân sách nhà nước để thực hiện hoạt động sáng kiến trên địa bàn {locality}; Nghị quyết 179/2022/NQ-HĐND ngày 16/3/2022 Quy định mức hỗ trợ đăng ký bảo hộ tài sản trí tuệ đến năm 2030 trên địa bàn {locality}; Chương trình phát triển tài sản trí tuệ {locality} giai đoạn 2021-2025, định hướng đến năm 2030 tại Quyết định số 1221/QĐ-UBND ngày 26/5/2021; Kế hoạch số 142/KH-UBND ngày 16/9/2021 của UBND tỉnh hỗ trợ hệ sinh thái khởi nghiệp đổi mới sáng tạo {locality} giai đoạn 2021-2025; Quyết định số 2209/QĐ-UBND ngày 22/9/2021 Phê duyệt chương trình phát triển thị trường khoa học và công nghệ {locality} đến năm 2030; Quyết định số 1130/QĐ-UBND ngày 25/5/2022 của UBND tỉnh ban hành Chương trình hỗ trợ phát triển doanh nghiệp khoa học và công nghệ {locality}, giai đoạn 2022-2025, định hướng đến năm 2030; Kế hoạch số 101/KH-UBND ngày 30/6/2021 Kế hoạch thực hiện Chương trình quốc gia hỗ trợ tổ chức, doanh nghiệp nâng cao năng suất và chất lượng sản phẩm, hàng hóa giai đoạn 2021-2030 trên địa bàn {locality}; Kế hoạch số 129/KH-UBND ngày 17/10/2019 thực hiện Đề án “Tăng cường, đổi mới hoạt động đo lường hỗ trợ doanh nghiệp Việt Nam nâng cao năng lực cạnh tranh và hội nhập quốc tế giai đoạn đến năm 2025 định hướng đến năm 2030” {locality}; Kế hoạch số 208/KH-UBND ngày 27/12/2022 về kiểm tra hoạt động áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo tiêu chuẩn ISO 9001 tại các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước {locality} năm 2023."),
    ("B", 3, "3. Tiến hành ký hợp đồng, phụ lục hợp đồng thực hiện nhiệm vụ khoa học và công nghệ với các đơn vị chủ trì thực hiện nhiệm vụ trong Kế hoạch KH&CN năm 2023; hướng dẫn, đôn đốc, kiểm tra các đơn vị chủ trì thực hiện nhiệm vụ KH&CN thực hiện đảm bảo nội dung, tiến độ theo hợp đồng. Tổ chức đánh giá kết quả thực hiện các nhiệm vụ KH&CN đã hoàn thiện nội dung; thực hiện cấp phát kinh phí, hướng dẫn đơn vị chủ trì thực hiện nhiệm vụ KH&CN trong Kế hoạch KH&CN năm 2022, hoàn thiện thủ tục thanh toán, quyết toán kinh phí thực hiện nhiệm vụ đảm bảo đúng quy định."),
    ("B", 4, "4. Tiếp tục cử công chức, viên chức tham gia các lớp đào tạo, bồi dưỡng chuyên môn nghiệp vụ theo Kế hoạch nhằm nâng cao nhận thức chính trị, nâng cao năng lực, chuyên môn, nghiệp vụ."),
    ("B", 5, "5. Tiếp tục hướng dẫn các tổ chức, đơn vị có hồ sơ đăng ký chuyển giao công nghệ và đăng ký doanh nghiệp KH&CN; thẩm định công nghệ, tham gia ý kiến về công nghệ với các dự án đầu tư theo quy định tại Quyết định số 47/2018/QĐ-UBND ngày 20/12/2018 của UBND {locality} quy định về quản lý công nghệ trên địa bàn tỉnh."),
    ("B", 6, "6. Tiếp tục triển khai công tác thẩm định, cấp phép về an toàn bức xạ hạt nhân theo kế hoạch."),
    ("B", 7, "7. Tiếp tục thu thập, đăng ký, lưu giữ và công bố thông tin kết quả thực hiện nhiệm vụ khoa học và công nghệ trên địa bàn tỉnh theo quy định."),
    ("B", 8, "8. Chỉ đạo Chi cục Tiêu chuẩn Đo lường Chất lượng thường xuyên hướng dẫn doanh nghiệp thực hiện công bố hợp chuẩn, công bố hợp quy, công bố tiêu chuẩn áp dụng theo quy định tại Luật Tiêu chuẩn và Quy chuẩn kỹ thuật, Luật Chất lượng sản phẩm, hàng hóa."),
    ("B", 9, "9. Tiếp tục chủ trì, phối hợp với các đơn vị liên quan thanh tra, kiểm tra các lĩnh vực chuyên môn liên quan."),
    ("B", 10, "10. Tiếp tục đẩy mạnh công tác cải cách hành chính như: thường xuyên rà soát các văn bản quy phạm pháp luật, thủ tục hành chính; xây dựng, áp dụng đạt hiệu quả cao Hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào các hoạt động hành chính của cơ quan; nâng cao hiệu quả sử dụng thư điện tử công vụ, chữ ký số, phần mềm quản lý văn bản, phần mềm dịch vụ công, chất lượng/thời gian giải quyết thủ tục hành chính."),
    ("B", 11, "11. Tiếp tục tăng cường việc tuyên truyền, phổ biến các văn bản quy phạm pháp luật, cơ chế chính sách trong hoạt động KH&CN đến với nhiều đối tượng trên địa bàn tỉnh."),
    ("B", 12, "12. Thực hiện nhiệm vụ khác theo sự chỉ đạo của Bộ KH&CN, UBND tỉnh."),
)  # fmt: skip


def demo_organisation() -> dict[str, Any]:
    """The demo's own [organisation] (reports/demo.toml): the model's letterhead, signer, recipients."""
    with DEMO_CONFIG.open("rb") as f:
        return tomllib.load(f)["organisation"]


def demo_reporting() -> dict[str, Any]:
    """The demo's own [reporting] keys (reports/demo.toml): the model's default paragraphs."""
    with DEMO_CONFIG.open("rb") as f:
        return tomllib.load(f).get("reporting", {})


def _website(locality: str) -> str:
    """The technology exchange's address as the model forms it: "sancongnghe" + the folded name."""
    name = locality.split(" ", 1)[1] if locality.startswith(("tỉnh ", "thành phố ")) else locality
    return f"http://sancongnghe{fold(name).replace(' ', '')}.vn/"


def _checklist(catalogue: Catalogue, kind: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(c.key, "met") for c in catalogue.facility_kind(kind).criteria)


def _pumps(kind: str, number: int) -> tuple[PumpCheck, ...]:
    if kind != "xang_dau":
        return ()
    return tuple(PumpCheck(f"CD-{number:02d}-{p}", True, True, (-0.1, 0.2)[p % 2], True) for p in (1, 2))


def _visit_dates() -> Iterator[dt.date]:
    """The inspections ran from 03/01 to 12/01/2023, before the Lunar New Year."""
    day = D(2023, 1, 3)
    while True:
        for _ in range(2):
            yield day
        day += dt.timedelta(days=1)


async def _already_loaded(session) -> bool:
    plans = await records.list_plans(session, number=PLAN_NUMBER)
    return any(p.meta is not None and p.meta.source_event == DEMO_EVENT for p in plans)


async def _inspections(session, catalogue: Catalogue, meta: RecordMeta, recorded_by: int) -> int:
    plan = await records.add_plan(
        session,
        Plan(0, PLAN_NUMBER, D(2022, 12, 30), "Tổng cục Tiêu chuẩn Đo lường Chất lượng",
             "kiểm tra về đo lường, chất lượng sản phẩm hàng hóa dịp trước, trong và sau Tết Nguyên đán 2023",
             "kiem_tra"),
        meta,
    )  # fmt: skip
    dates = _visit_dates()
    for i, (kind, name, tax_code) in enumerate(FACILITIES, start=1):
        facility = await records.find_facility_by_tax_code(session, tax_code)
        if facility is None:
            facility = await records.add_facility(session, Facility(0, kind, name, tax_code), meta)
        visit = InspectionVisit(
            0,
            plan.id,
            facility.id,
            kind,
            next(dates),
            (recorded_by,),
            _checklist(catalogue, kind),
            _pumps(kind, i),
        )
        await records.add_inspection(session, visit, meta)
    return len(FACILITIES)


async def _the_rest(session, catalogue: Catalogue, meta: RecordMeta, locality: str) -> None:
    for field, day, n in CALIBRATION:
        catalogue.calibration_field(field)  # a catalogue without the field is a KeyError here, not a gap
        await records.add_calibration_batch(session, CalibrationBatch(0, day, field, n, 0, n), meta)
    for i, (kind, holder, facility, day) in enumerate(LICENCES, start=1):
        years = catalogue.licence_kind(kind).validity_years
        expiry = day.replace(year=day.year + years) if years else None
        number = f"{i:02d}/{day.year}/GP-SKHCN" if years else f"{i:02d}/{day.year}/CC-NVBX"
        await records.add_licence(
            session, Licence(0, kind, "cap_moi", number, holder, facility, day, expiry), meta
        )
    for kind, day, count, detail, authors, decision in ACTIVITIES:
        catalogue.activity_kind(kind)
        await records.add_activity(session, Activity(0, kind, day, count, detail, authors, decision), meta)
    values = {"locality": locality, "website": _website(locality)}
    for section, position, text in NOTES:
        await records.add_note(session, Note(0, DEMO_PERIOD, section, text.format(**values), position), meta)


async def load_demo(
    db: Database, catalogue: Catalogue, recorded_by: int, *, locality: str = "tỉnh Hưng Yên"
) -> bool:
    """Insert the demo month in one unit of work; False (nothing written) when it is already there."""
    meta = RecordMeta(recorded_by=recorded_by, channel="demo", source_event=DEMO_EVENT)
    async with db.unit_of_work() as session:
        if await _already_loaded(session):
            return False
        await _inspections(session, catalogue, meta, recorded_by)
        await _the_rest(session, catalogue, meta, locality)
    return True
