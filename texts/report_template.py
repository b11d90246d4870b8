"""The monthly report's own sentences: every heading and paragraph of the Word template.

`python -m reports.make_template` builds reports/templates/monthly_report.docx from these (the layout
is the script's, the words are here); after changing one, run it and commit the rebuilt template.
A sentence the model report also has (tests/data/monthly-report-2023-01.md) changed on purpose is
listed in tests/test_report_support.py MODEL_TYPOS, where every departure from the model is explained.

The figures are Jinja2 tags (docxtpl) over reports.aggregate.MonthlyReportData: `period`, `calibration`,
`inspections`, `licences`, `act` (activities by kind), `notes`, `defaults`; `org` is the department
([organisation], reports.settings.ReportSettings), `doc` the number and date. A sentence keeps its
tags whole; a run is (text, style letters): "b" bold, "i" italic, "s" superscript.
"""

# --- the letterhead, the title and the addressees (Nghị định 30/2020, Mẫu 1.4) -----------------------------

NUMBER_LINE = "Số: {{ doc.number }}/{{ org.symbol }}"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_AND_DATE = "{{ org.place }}, ngày {{ doc.day }} tháng {{ doc.month }} năm {{ doc.year }}"
TITLE = "BÁO CÁO"
SUBJECT = "Kết quả hoạt động quản lý nhà nước về khoa học và công nghệ"
DOCUMENT_TITLE = "Báo cáo kết quả hoạt động quản lý nhà nước về khoa học và công nghệ"  # the file's properties
TO_ONE = "Kính gửi: {{ org.recipients_to[0] }}."
TO_MANY = "Kính gửi:"

# --- headings, by the section they open (the template numbers them as it prints them) ----------------------

HEADINGS: dict[str, str] = {
    "A": "A. KẾT QUẢ HOẠT ĐỘNG QUẢN LÝ NHÀ NƯỚC VỀ KHOA HỌC VÀ CÔNG NGHỆ",
    "A.I": "Xây dựng cơ chế, chính sách, pháp luật về khoa học và công nghệ",
    "A.II": "Hoạt động khoa học và công nghệ",
    "A.II.1": "Hoạt động nghiên cứu khoa học và phát triển công nghệ",
    "A.II.1.1": "Công tác xây dựng kế hoạch khoa học và công nghệ",
    "A.II.1.2": "Công tác triển khai nhiệm vụ KH&CN",
    "A.II.2": "Hoạt động đánh giá, thẩm định, giám định, chuyển giao công nghệ",
    "A.III": "Phát triển tiềm lực khoa học và công nghệ",
    "A.III.1": "Phát triển nhân lực khoa học và công nghệ",
    "A.III.2": "Phát triển thị trường khoa học và công nghệ",
    "A.III.2.1": "Hoạt động hỗ trợ doanh nghiệp, phát triển thị trường KH&CN",
    "A.III.2.2": "Hoạt động hỗ trợ khởi nghiệp, đổi mới sáng tạo (ĐMST)",
    "A.III.3": "Hoạt động thông tin khoa học và công nghệ",
    "A.IV": "Hoạt động tiêu chuẩn đo lường chất lượng",
    "A.IV.1": "Công tác quản lý nhà nước về tiêu chuẩn, đo lường, chất lượng",
    "A.IV.2": "Công tác dịch vụ tiêu chuẩn, đo lường, chất lượng",
    "A.V": "Hoạt động sở hữu trí tuệ, hoạt động sáng kiến",
    "A.V.1": "Tình hình, kết quả quản lý về sở hữu trí tuệ",
    "A.V.2": "Tình hình, kết quả triển khai biện pháp thúc đẩy hoạt động sáng kiến",
    "A.VI": "Hoạt động phát triển ứng dụng năng lượng nguyên tử, an toàn bức xạ và hạt nhân",
    "A.VI.1": "Tình hình, kết quả phát triển ứng dụng năng lượng nguyên tử",
    "A.VI.2": "Tình hình, kết quả quản lý về an toàn bức xạ và hạt nhân",
    "A.VII": "Công tác thanh tra, kiểm tra trong lĩnh vực KH&CN",
    "A.VII.1": "Tóm tắt chương trình, kế hoạch thanh tra, kiểm tra đã được phê duyệt",
    "A.VII.2": "Tình hình, kết quả công tác thanh tra trong lĩnh vực KH&CN",
    "A.VII.3": "Tình hình, kết quả công tác kiểm tra",
    "A.VII.4": "Công tác tiếp công dân, giải quyết khiếu nại, tố cáo",
    "B": "B. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM {{ period.next_label|upper }}",
}

# --- pieces several sentences share --------------------------------------------------------------------

SO = "{{ org.department_short }}"  # "Sở", or the department's own short name
NOTHING = "Trong {{ period.phrase }}, " + SO  # the opening of a sentence for "nothing this period"
DOC_TYPE = (
    '{% if plan.doc_code == "QĐ" %}Quyết định{% elif plan.doc_code == "KH" %}Kế hoạch'
    '{% elif plan.doc_code == "CV" %}Công văn{% elif plan.doc_code == "TB" %}Thông báo'
    "{% else %}văn bản{% endif %}"
)
PLAN_REF = DOC_TYPE + " số {{ plan.number }} ngày {{ plan.date }} của {{ plan.issuer }}{% if plan.subject %} {{ plan.about }} {{ plan.subject }}{% endif %}"  # fmt: skip

# --- A.I, A.II ------------------------------------------------------------------------------------------

NO_POLICY = NOTHING + " không tham mưu ban hành văn bản về cơ chế, chính sách, pháp luật về khoa học và công nghệ."
NGHIEM_THU = "tổ chức đánh giá, nghiệm thu {{ act.nghiem_thu_nhiem_vu.count }} nhiệm vụ KH&CN cấp tỉnh sử dụng ngân sách nhà nước"
NGHIEM_THU_SENTENCE = NGHIEM_THU[0].upper() + NGHIEM_THU[1:] + "."
WITH_NGHIEM_THU = "{{ defaults.A_II_1_2 }}{% if act.nghiem_thu_nhiem_vu.count %}; " + NGHIEM_THU + "{% endif %}."
NO_NGHIEM_THU = NOTHING + " không tổ chức đánh giá, nghiệm thu nhiệm vụ KH&CN cấp tỉnh."
TECH_OPINIONS = (
    "- Tham gia ý kiến về công nghệ đối với {{ act.y_kien_cong_nghe.count }} dự án đầu tư vào địa bàn tỉnh"
    "{% if act.y_kien_cong_nghe.details %} thuộc {% if act.y_kien_cong_nghe.details|length > 1 %}các "
    "{% endif %}lĩnh vực {{ act.y_kien_cong_nghe.details_text }}{% endif %}."
)
NO_TECH_OPINIONS = NOTHING + " không tham gia ý kiến, thẩm định công nghệ đối với dự án đầu tư."

# --- A.III ----------------------------------------------------------------------------------------------

TASK_RESULT_CERTIFICATES = (
    "- Đã cấp {{ act.gcn_ket_qua_nhiem_vu.count }} Giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ "
    "KH&CN theo dịch vụ hành chính công cho các tổ chức liên quan."
)

# --- A.IV: conformity notices, steel imports; calibration ---------------------------------------------------

CONFORMITY = (
    "{% set hc = act.hop_chuan.count %}{% set hq = act.hop_quy.count %}{% set st = act.thep_nhap_khau %}"
    "- {% if hc or hq %}Ban hành {% if hc %}{{ hc }} bản thông báo công bố hợp chuẩn{% endif %}"
    "{% if hc and hq %}, {% endif %}{% if hq %}{{ hq }} bản thông báo công bố hợp quy{% endif %}"
    "{% if st.count %}, tiếp nhận{% endif %}{% elif st.count %}Tiếp nhận{% endif %}"
    "{% if st.count %} {{ st.count }} bản đăng ký kiểm tra chất lượng thép nhập khẩu đáp ứng yêu cầu chất lượng "
    "hàng hóa nhập khẩu{% if st.enterprises %} cho {{ st.enterprises }} doanh nghiệp{% endif %} trên địa bàn tỉnh"
    "{% endif %};"
)
NO_CONFORMITY = (
    "Trong {{ period.phrase }}, " + SO + " không ban hành thông báo công bố hợp chuẩn, hợp quy, không tiếp nhận "
    "đăng ký kiểm tra chất lượng thép nhập khẩu."
)
CALIBRATION: tuple[tuple[str, str], ...] = (
    ("Trong {{ period.phrase }}, {{ org.calibration_centre }} đã kiểm định, hiệu chuẩn ", ""),
    ("{{ calibration.verified }}", "b"),
    (" phương tiện đo (PTĐ) các loại, cấp giấy chứng nhận kiểm định, tem kiểm định cho ", ""),
    ("{% if calibration.certificates.value == calibration.verified.value %}", ""),
    ("toàn bộ số PTĐ này", ""),
    ("{% else %}", ""),
    ("{{ calibration.certificates }}", "b"),
    (" PTĐ", ""),
    ("{% endif %}", ""),
    (", cụ thể như sau:", ""),
)
CALIBRATION_PURPOSE = (
    "{{ org.calibration_centre }} kiểm định, hiệu chuẩn đảm bảo đo lường phục vụ sản xuất, giao nhận, "
    "thanh toán, an toàn trong sản xuất và khám, chữa bệnh cho nhân dân."
)
NO_CALIBRATION = (
    "Trong {{ period.phrase }}, {{ org.calibration_centre }} không thực hiện kiểm định, hiệu chuẩn phương tiện đo."
)
CALIBRATION_HEADERS = (
    "STT", "Lĩnh vực kiểm định", "Đơn vị tính", "Số PTĐ kiểm định, hiệu chuẩn", "Số PTĐ loại bỏ", "Cấp giấy chứng nhận",
)  # fmt: skip
CALIBRATION_TOTAL = "Tổng"

# --- A.V: initiatives; A.VI: radiation licences ------------------------------------------------------------

INITIATIVES = (
    "{% set sk = act.sang_kien %}- Trình Hội đồng sáng kiến tỉnh công nhận {{ sk.count }} sáng kiến cấp "
    "tỉnh{% if sk.details %}, {{ sk.details_text }}{% endif %}{% if sk.authors %} cho {{ sk.authors }} "
    "tác giả{% endif %}{% if sk.decisions %} ({{ sk.decisions_text }}){% endif %};"
)
LICENCES = (
    "- Trong {{ period.phrase }}, " + SO + " đã thẩm định và "
    "{% for a in licences.actions %}"
    '{% if a.action == "cap_moi" %}cấp{% elif a.action == "gia_han" %}gia hạn'
    '{% elif a.action == "sua_doi" %}sửa đổi, bổ sung{% elif a.action == "cap_lai" %}cấp lại'
    "{% else %}{{ a.action }}{% endif %} "
    "{% for k in a.kinds %}{{ k.count }} {{ k.label }}{% if not loop.last %}, {% endif %}{% endfor %}"
    "{% if not loop.last %}; {% endif %}{% endfor %}."
)
NO_LICENCES = NOTHING + " không cấp giấy phép, chứng chỉ về an toàn bức xạ."

# --- A.VII: plans, audits (thanh tra), inspections (kiểm tra), complaints ---------------------------------------

APPROVED = (
    "- Thực hiện " + PLAN_REF + "{% if plan.facilities %}: đã tổ chức "
    '{% if plan.kind == "thanh_tra" %}thanh tra{% else %}kiểm tra{% endif %} tại {{ plan.facilities }} cơ sở'
    "{% else %}: trong {{ period.phrase }} chưa tiến hành "
    '{% if plan.kind == "thanh_tra" %}thanh tra{% else %}kiểm tra{% endif %} tại cơ sở{% endif %}'
    "{% if loop.last %}.{% else %};{% endif %}"  # a list: each plan but the last ends with ";"
)
NO_APPROVED = NOTHING + " không có chương trình, kế hoạch thanh tra, kiểm tra mới được phê duyệt."
KINDS = (
    "{% for k in plan.kinds %}{{ k.facilities }} {{ k.noun }}{% if not loop.last %}, {% endif %}{% endfor %}"
)
RESULTS = (
    "Kết quả: {% for k in plan.kinds %}{% for c in k.clauses %}{{ c.ratio }} {{ c.noun }}"
    "{% if c.phrases %} {{ c.phrases }}{% elif c.failed %} chưa đạt yêu cầu{% else %} đạt yêu cầu{% endif %}"
    "{% if not loop.last %}; {% endif %}"
    "{% endfor %}{% if not loop.last %}; {% endif %}{% endfor %}."
)
AUDITS = "Trong {{ period.phrase }}, " + SO + " đã tiến hành {{ inspections.thanh_tra_count }} cuộc thanh tra trong lĩnh vực KH&CN."  # fmt: skip
AUDIT_PLAN = "- Theo " + PLAN_REF + ": thanh tra tại {{ plan.facilities }} cơ sở (" + KINDS + "). " + RESULTS
NO_AUDITS = "Trong {{ period.phrase }}, " + SO + " không tiến hành thanh tra trong lĩnh vực KH&CN."
# The unit builds its plan for another body's; a plan the unit issued itself is that plan already.
INSPECTION_PLAN = (
    "Thực hiện " + PLAN_REF + ", " + SO + " đã chỉ đạo {{ org.inspection_unit }} "
    "{% if plan.issuer|trim|lower != org.inspection_unit|trim|lower %}xây dựng kế hoạch và {% endif %}"
    "tổ chức kiểm tra tại {{ plan.facilities }} cơ sở trên địa bàn tỉnh (" + KINDS + "). " + RESULTS
)
NO_INSPECTIONS = "Trong {{ period.phrase }}, " + SO + " không tổ chức kiểm tra trong lĩnh vực KH&CN."
FAILURES = "{% if plan.failures|length > 1 %}Các cơ sở{% else %}Cơ sở{% endif %} chưa đạt yêu cầu:"
FAILURE = (
    "- {{ f.name }} ({{ f.noun }}): "
    "{% if f.criteria %}không đạt tiêu chí {% for c in f.criteria %}{{ c }}{% if not loop.last %}, {% endif %}"
    "{% endfor %}{% endif %}"
    "{% for p in f.pumps %}{% if f.criteria or not loop.first %}; {% endif %}cột đo {{ p.serial }}"
    "{% if p.expired %} hết hiệu lực kiểm định{% endif %}"
    "{% if p.seal_broken %}{% if p.expired %},{% endif %} mất niêm phong{% endif %}"
    "{% if p.error %}{% if p.expired or p.seal_broken %},{% endif %} có sai số {{ p.error }}% vượt giới hạn "
    "cho phép{% endif %}{% endfor %}"
    "{% if f.violations %}{% if f.criteria or f.pumps %}; {% endif %}{{ f.violations }}{% endif %}"
    '{% if f.action == "fine" %}; đã xử phạt vi phạm hành chính với số tiền {{ f.fine }} đồng'
    '{% elif f.action == "record" %}; đã lập biên bản vi phạm hành chính{% elif f.action == "reminder" %}; đã nhắc nhở'
    "{% endif %}."
)
COMPLAINTS = (
    "Trong {{ period.phrase }}, " + SO + " nhận được {{ act.khieu_nai.count }} đơn thư phản ánh, kiến nghị, "
    "khiếu nại, tố cáo thuộc lĩnh vực quản lý."
)
NO_COMPLAINTS = (
    "Trong {{ period.phrase }}, " + SO + " không nhận được đơn thư phản ánh, kiến nghị, khiếu nại, tố "
    "cáo thuộc lĩnh vực quản lý."
)

# --- B, the closing sentence and the signature block -------------------------------------------------------

B_OTHERWISE = (
    "Tiếp tục triển khai các nhiệm vụ theo chương trình, kế hoạch công tác năm {{ period.plan_year }} và "
    "nhiệm vụ khác theo sự chỉ đạo của Bộ KH&CN, UBND tỉnh."
)
CLOSING = "{{ org.department_name }} {{ org.locality }} trân trọng báo cáo./."
RECIPIENTS_COPY = "Nơi nhận:"
