"""texts/common.py written out (issue 26): every sentence the parsers and the form runtime say, as a
person reads it, and what each builder makes of its arguments. A changed word, a dropped zero or year,
a changed button label fails here; a deliberate change of wording is made in both places.
"""

from __future__ import annotations

import datetime as dt

import pytest

import texts
from bot.parsing import parse_date, parse_yes_no
from storage.text import fold

SENTENCES = {
    'ADMIN_NO_DOCUMENT_LINK': '{name} yêu cầu tài liệu “{document}” trên Zalo nhưng không nhận được: chưa cấu hình [web] public_url (và FIELDBOT_LINK_SECRET) nên hệ thống không tạo được liên kết tải. Vui lòng cấu hình địa chỉ công khai của máy chủ, hoặc lập tài liệu trên máy chủ và gửi cho người yêu cầu.',
    'ALREADY_FIRST': 'Đây đã là câu hỏi đầu tiên.',
    'BACK': 'Quay lại',
    'BACK_TO_REVIEW': 'Về màn hình kiểm tra',
    'CANCEL': 'Hủy',
    'CANCELLED': 'Đã hủy, không có gì được lưu.',
    'CHOICE_AMBIGUOUS': 'Câu trả lời khớp với nhiều lựa chọn, vui lòng gõ số thứ tự trong danh sách.',
    'CHOICE_EXPECTED': 'Không có lựa chọn này trong danh sách, vui lòng gõ số thứ tự hoặc tên lựa chọn.',
    'COMMAND_IN_FLOW': 'Một biểu mẫu đang nhập dở: vui lòng trả lời câu hỏi, hoặc gõ “hủy” để dừng.',
    'CONFIRM': 'Xác nhận',
    'COORDINATES_OUT_OF_RANGE': (
        'Tọa độ không hợp lệ: vĩ độ từ -90 đến 90, kinh độ từ -180 đến 180 (vĩ độ trước, kinh độ sau, cách nhau '
        'dấu phẩy); hoặc gõ địa chỉ.'
    ),
    'COUNT_EXPECTED': 'Vui lòng nhập một số nguyên không âm, ví dụ 12 hoặc 1.200.',
    'COUNT_NEGATIVE': 'Số lượng không thể âm, vui lòng nhập 0 hoặc một số lớn hơn.',
    'COUNT_NOT_WHOLE': 'Số lượng phải là số nguyên, ví dụ 12 (không có phần lẻ).',
    'COUNT_TOO_LONG': 'Số này quá lớn, vui lòng kiểm tra lại và nhập tối đa 9 chữ số.',
    'DATE_EXPECTED': 'Vui lòng nhập ngày dạng ngày/tháng hoặc ngày/tháng/năm, ví dụ 13/1 hoặc 13/01/2023, hoặc “hôm nay”.',
    'DECIMAL_EXPECTED': 'Vui lòng nhập một số, có thể có phần thập phân, số âm ghi dấu trừ, ví dụ -0,3 hoặc 0,25.',
    'DONE': 'Xong',
    'EDIT': 'Sửa',
    'EMPTY': 'Chưa có nội dung trả lời, vui lòng trả lời câu hỏi bên dưới.',
    'FILE': 'Tệp',
    'LOCATION_BUTTON': '📍 Gửi vị trí hiện tại',
    'NO': 'Không',
    'NOT_OPTIONAL': 'Câu này không bỏ qua được, vui lòng trả lời.',
    'NO_CHOICES': 'Không có lựa chọn nào phù hợp.',
    'NO_DOCUMENT_LINK': 'Zalo không nhận được tệp gửi kèm, và hệ thống chưa được cấu hình để gửi liên kết tải tài liệu. Vui lòng liên hệ bộ phận CNTT để nhận tài liệu; bộ phận quản trị hệ thống đã được báo lý do.',
    'NUMBERED_HINT': 'Gõ số thứ tự để chọn.',
    'MONEY_EXPECTED': 'Vui lòng nhập số tiền (đồng), ví dụ 7.500.000 hoặc 7,5 triệu.',
    'NUMBER_EXPECTED': 'Câu này cần trả lời bằng một số.',
    'PAGE_EXPIRED': ('Liên kết đã hết hạn', 'Liên kết tải tài liệu chỉ dùng được trong thời gian ngắn. Vui lòng gõ lại lệnh trong cuộc trò chuyện (ví dụ /baocao) để nhận liên kết mới.'),
    'PAGE_NOT_FOUND': ('Không tìm thấy tài liệu', 'Liên kết không đúng hoặc tài liệu đã bị xóa. Vui lòng yêu cầu lại tài liệu trong cuộc trò chuyện.'),
    'PHOTOS_NEED_ONE': 'Vui lòng gửi ít nhất một ảnh rồi gõ “xong”.',
    'PHOTO_FAILED': 'Ảnh này chưa tải về được nên chưa lưu, vui lòng gửi lại ảnh.',
    'PICK_EDIT': 'Sửa mục nào?',
    'PICTOGRAPHS_DROPPED': 'ℹ Biểu tượng cảm xúc (emoji) sẽ không được in trong báo cáo.',
    'QUESTION_CLOSED': 'Câu hỏi này đã đóng.',
    'REVIEW_HINT': 'Mọi thông tin đã đúng chưa?',
    'REVIEW_QUESTION': 'Kiểm tra lại trước khi lưu:',
    'SKIP': 'Bỏ qua',
    'SKIPPED': '—',
    'TO_REVIEW_MEANING': 'để về màn hình kiểm tra',
    'TEXT_EXPECTED': 'Câu này cần trả lời bằng chữ.',
    'UNSUPPORTED': 'Hệ thống chưa đọc được loại tin nhắn này, vui lòng trả lời bằng chữ hoặc số.',
    'WORD_BACK': 'quay lại',
    'WORD_CANCEL': 'hủy',
    'WORD_DONE': 'xong',
    'WORD_OK': 'ok',
    'WORD_SKIP': 'bỏ qua',
    'YES': 'Có',
    'YESNO_EXPECTED': 'Vui lòng trả lời “có” hoặc “không”.',
}


@pytest.mark.parametrize(("name", "text"), SENTENCES.items(), ids=SENTENCES.keys())
def test_each_sentence_as_a_person_reads_it(name, text):
    assert getattr(texts.common, name) == text


def test_every_sentence_of_the_module_is_in_the_table():
    names = {n for n in dir(texts.common) if n.isupper() and isinstance(getattr(texts.common, n), str | tuple)}
    assert names == set(SENTENCES)


D = dt.date


@pytest.mark.parametrize(
    ("made", "text"),
    [
        (lambda: texts.common.date_impossible(5, 1, 2023), "Không có ngày 05/01/2023, vui lòng kiểm tra lại ngày và tháng."),
        (lambda: texts.common.date_impossible(31, 4, None), "Không có ngày 31/04, vui lòng kiểm tra lại ngày và tháng."),
        (lambda: texts.common.date_in_future(D(2027, 1, 2), D(2026, 12, 31)),
         "Ngày 02/01/2027 chưa đến (hôm nay là 31/12/2026), vui lòng nhập một ngày đã qua."),
        (lambda: texts.common.text_too_long(500), "Nội dung quá dài, vui lòng viết gọn trong 500 ký tự."),
        (lambda: texts.common.photo_received(1), "Đã nhận ảnh (1 ảnh)."),
        (lambda: texts.common.photos_prompt_hint(3), "Đã có 3 ảnh, gửi thêm hoặc gõ “xong” khi đã đủ."),
        (lambda: texts.common.drop_photos(2), "Bỏ 2 ảnh đã gửi"),
        (lambda: texts.common.photos_dropped(3), "Đã bỏ 3 ảnh; đồng chí có thể gửi ảnh mới bất cứ lúc nào."),
        (lambda: texts.common.type_word("bỏ qua", "Bỏ qua"), "Gõ “bỏ qua” để chọn: Bỏ qua"),
        (lambda: texts.common.nav_hint(["quay lại", "bỏ qua", "xong", "hủy", "ok"]),
         "(gõ “quay lại” để sửa câu trước, “bỏ qua” để bỏ qua câu này, “xong” khi đã đủ, “hủy” để dừng, “ok”)"),
        (lambda: texts.common.nav_hint([]), "(gõ )"),
        (lambda: texts.common.nav_hint(["quay lại", "hủy"], {"quay lại": "để về màn hình kiểm tra"}),
         "(gõ “quay lại” để về màn hình kiểm tra, “hủy” để dừng)"),
        (lambda: texts.common.current_value("0"), "Giá trị hiện tại: 0"),
        (lambda: texts.common.format_money(7_500_000), "7.500.000 đồng"),
        (lambda: texts.common.photos_label(0), "0 ảnh"),
        (lambda: texts.common.item_label("Chuẩn", 0), "Chuẩn 1"),
        (lambda: texts.common.add_item("Chuẩn đo lường"), "Thêm chuẩn đo lường"),
        (lambda: texts.common.min_items("Chuẩn", 1), "Cần ít nhất 1 chuẩn."),
        (lambda: texts.common.format_date(D(2026, 1, 5)), "05/01/2026"),
        (lambda: texts.common.format_span(D(2026, 11, 15), D(2026, 12, 14)), "15/11–14/12/2026"),
        (lambda: texts.common.format_span(D(2022, 12, 15), D(2023, 1, 14)), "15/12/2022–14/01/2023"),
        (lambda: texts.common.period_name(1, 2023, D(2022, 12, 15), D(2023, 1, 14)),
         "tháng 01/2023 (15/12/2022–14/01/2023)"),
        (lambda: texts.common.period_name(12, 2026, D(2026, 11, 15), D(2026, 12, 14)), "tháng 12/2026 (15/11–14/12/2026)"),
        (lambda: texts.common.lower_label("Điện"), "điện"),
        (lambda: texts.common.lower_label("X-quang"), "X-quang"),
        (lambda: texts.common.lower_label("KH&CN"), "KH&CN"),
        (lambda: texts.common.lower_label("A"), "A"),
        (lambda: texts.common.lower_label("Đo"), "đo"),
        (lambda: texts.common.today_label(D(2026, 3, 9)), "Hôm nay (09/03/2026)"),
        (lambda: texts.common.format_decimal_vi("-0.3"), "-0,3"),
        (lambda: texts.common.format_location("Thôn Đông"), "Thôn Đông"),
        (lambda: texts.common.format_count(1200), "1.200"),
        (lambda: texts.common.format_count(999_999_999), "999.999.999"),
        (lambda: texts.common.format_count(12), "12"),
        (lambda: texts.common.link_validity(30), "(Liên kết dùng được trong 30 phút.)"),
        (lambda: texts.common.photo_too_large(10), "Ảnh quá lớn (tối đa 10 MB) nên chưa lưu, vui lòng gửi ảnh nhỏ hơn hoặc chụp lại."),
    ],
)
def test_each_builder(made, text):
    assert made() == text


def test_a_position_is_shown_with_five_decimals():
    from bot.messages import Location

    assert texts.common.format_location(Location(20.646101, 106.0511)) == "20.64610, 106.05110"


@pytest.mark.parametrize(
    ("word", "meaning"),
    [("quay lại", "để sửa câu trước"), ("bỏ qua", "để bỏ qua câu này"), ("xong", "khi đã đủ"), ("hủy", "để dừng")],
)
def test_what_each_runtime_word_does(word, meaning):
    assert texts.common.WORD_MEANINGS[word] == meaning


# The words people type, by what they mean (the sets hold their folded forms).
@pytest.mark.parametrize(
    ("words", "typed"),
    [
        ("BACK_WORDS", ["quay lại", "Quay Lai", "back", "/back", "lùi", "trở lại"]),
        ("SKIP_WORDS", ["bỏ qua", "bo qua", "skip", "/skip"]),
        ("CANCEL_WORDS", ["hủy", "huỷ", "Hủy bỏ", "/cancel", "cancel", "/huy"]),
        ("DONE_WORDS", ["xong", "done", "hết", "/done"]),
        ("TODAY_WORDS", ["hôm nay", "homnay", "nay"]),
        ("YESTERDAY_WORDS", ["hôm qua", "homqua", "qua"]),
    ],
)
def test_the_words_people_type(words, typed):
    assert {fold(t) for t in typed} <= getattr(texts.common, words)


@pytest.mark.parametrize(
    "typed", ["có", "c", "ok", "oke", "okay", "đồng ý", "đúng", "ừ", "uh", "vâng", "dạ", "yes", "y", "rồi", "có ạ"]
)
def test_every_yes(typed):
    assert parse_yes_no(typed) is True


@pytest.mark.parametrize("typed", ["không", "k", "ko", "kg", "kh", "không có", "chưa", "no", "n", "sai"])
def test_every_no(typed):
    assert parse_yes_no(typed) is False


def test_the_runtime_words_are_read_back():
    assert parse_date("nay", dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert {fold(w) for w in (texts.common.WORD_BACK, texts.common.WORD_SKIP)} <= (
        texts.common.BACK_WORDS | texts.common.SKIP_WORDS
    )
    assert fold(texts.common.WORD_CANCEL) in texts.common.CANCEL_WORDS
    assert fold(texts.common.WORD_DONE) in texts.common.DONE_WORDS
    assert fold(texts.common.WORD_OK) in texts.common.YES_WORDS
