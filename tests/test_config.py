"""Config: loaded once into frozen dataclasses; env overrides; bad keys named with the file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def repo_config_with(tmp_path: Path, old: str, new: str) -> Path:
    source = (REPO / "config.toml").read_text(encoding="utf-8")
    assert old in source
    return write(tmp_path, source.replace(old, new, 1))


def test_repo_config_loads_with_defaults(tmp_path):
    config = load_config(REPO / "config.toml", env={})
    assert config.general.time_zone == "Asia/Ho_Chi_Minh"
    assert config.database.url.startswith("sqlite+aiosqlite:///")
    assert config.database.url.endswith("data/fieldbot.sqlite3")
    assert config.cut_off_day == 14
    assert not config.telegram.enabled and not config.zalo.enabled
    assert [f.label for f in config.catalogue.calibration_fields][:3] == ["Điện", "Khối lượng", "Dung tích"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.general.invite_days = 1


def test_environment_overrides_file(tmp_path):
    env = {
        "DATABASE_URL": "postgresql://u@127.0.0.1/x",
        "FIELDBOT_DATA_DIR": str(tmp_path / "d"),
        "TELEGRAM_BOT_TOKEN": "123456:ABCDEF",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
        "ZALO_BOT_TOKEN": "zz:tok",
        "ZALO_BASE_URL": "http://127.0.0.1:9",
    }
    config = load_config(REPO / "config.toml", env=env)
    assert config.database.url == "postgresql+asyncpg://u@127.0.0.1/x"
    assert config.general.data_dir == tmp_path / "d"
    assert config.telegram.enabled and config.telegram.base_url == "http://127.0.0.1:9/bot"
    assert config.zalo.token == "zz:tok"
    assert "ABCDEF" not in repr(config)  # tokens never show in a repr (or a log line made from it)


def test_config_path_from_environment(tmp_path):
    path = repo_config_with(tmp_path, "draft_idle_minutes = 120", "draft_idle_minutes = 5")
    assert load_config(env={"FIELDBOT_CONFIG": str(path)}).general.draft_idle_minutes == 5


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("cut_off_day = 14", "cut_off_day = 40", "[reporting] cut_off_day phải từ 1 đến 28"),
        ('time_zone = "Asia/Ho_Chi_Minh"', 'time_zone = "Mars/Base"', "[general] time_zone 'Mars/Base'"),
        ("draft_idle_minutes = 120", 'draft_idle_minutes = "soon"', "[general] draft_idle_minutes phải là một số nguyên"),
        ("draft_idle_minutes = 120\n", "", "[general] draft_idle_minutes: thiếu khóa này"),
        ('mode = "polling"', 'mode = "carrier-pigeon"', "[telegram] mode phải là một trong polling, webhook"),
        ("port = 8080", "port = -1", "[web] port phải lớn hơn 0"),
        ('key = "dien"\nlabel = "Điện"', 'key = "dien"', "calibration_fields[0]"),
        # [invitations]: whole numbers above 0, each limit at most the next one
        ("wrong_codes_per_account = 5", "wrong_codes_per_account = 0", "[invitations] wrong_codes_per_account phải lớn hơn 0"),
        ("wrong_codes_account_minutes = 15", 'wrong_codes_account_minutes = "15"',
         "[invitations] wrong_codes_account_minutes phải là một số nguyên"),
        ("wrong_codes_per_channel = 20", "wrong_codes_per_channel = true", "[invitations] wrong_codes_per_channel phải là"),
        ("wrong_codes_per_hour = 30", "wrong_codes_per_hour = 12.5", "[invitations] wrong_codes_per_hour phải là"),
        ("wrong_codes_per_channel = 20", "wrong_codes_per_channel = 40",
         "[invitations] wrong_codes_per_channel = 40 lớn hơn wrong_codes_per_hour = 30 nên không bao giờ đạt tới"),
        ("wrong_codes_per_account = 5", "wrong_codes_per_account = 25",
         "[invitations] wrong_codes_per_account = 25 lớn hơn wrong_codes_per_channel = 20"),
    ],
)
def test_bad_key_names_key_and_file(tmp_path, old, new, message):
    path = repo_config_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="không có tệp cấu hình"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="không phải TOML hợp lệ"):
        load_config(write(tmp_path, "[general\n"), env={})


def test_repo_config_gives_the_kinds_their_common_names(tmp_path):
    catalogue = load_config(REPO / "config.toml", env={}).catalogue
    assert "x quang" in catalogue.licence_kind("xquang_y_te").synonyms
    assert "cc" in catalogue.licence_kind("chung_chi_nvbx").synonyms
    assert "cây xăng" in catalogue.facility_kind("xang_dau").synonyms
    assert "hợp chuẩn" in catalogue.activity_kind("hop_chuan").synonyms
    assert "cân" in catalogue.calibration_field("khoi_luong").synonyms
    # tables are apart: "x quang" names the X-ray field and the X-ray licence alike
    assert "x quang" in catalogue.calibration_field("x_quang").synonyms


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('synonyms = ["hợp quy", ', 'synonyms = ["hợp chuẩn", "hợp quy", ',
         "catalogue.activity_kinds: the synonym 'hợp chuẩn' is given to two entries, hop_chuan and hop_quy; "
         "a typed answer could not tell them apart, so keep it on one of them"),
        ('synonyms = ["hợp quy", ', 'synonyms = ["Hop-Chuan", "hợp quy", ',  # the same name, typed another way
         "the synonym 'Hop-Chuan' is given to two entries, hop_chuan (written 'hợp chuẩn' there) and hop_quy"),
        ('synonyms = ["chứng chỉ", "cc", ', 'synonyms = ["chứng chỉ", "xq", ',
         "catalogue.licence_kinds: the synonym 'xq' is given to two entries, xquang_y_te and chung_chi_nvbx"),
        ('synonyms = ["xăng", ', 'synonyms = ["gas", "xăng", ',
         "catalogue.facility_kinds: the synonym 'gas' of xang_dau is the label of gas; a typed answer could "
         "not tell the two apart, so take it out of the synonyms of xang_dau"),
        ('synonyms = ["cân", "quả cân"]', 'synonyms = ["cân", "công tơ điện"]',
         "calibration_fields: the synonym 'công tơ điện' is given to two entries, dien and khoi_luong"),
        # a synonym that begins another entry's name: typed, it names both ("đồng hồ taxi" beside "đồng hồ đo nước")
        ('synonyms = ["cân", "quả cân"]', 'synonyms = ["cân", "quả cân", "công tơ"]',
         "calibration_fields: the synonym 'công tơ' of khoi_luong is how 'công tơ điện' of dien begins"),
        ('synonyms = ["cân", "quả cân"]', 'synonyms = ["cân", "quả cân", "Dong ho"]',
         "calibration_fields: the synonym 'Dong ho' of khoi_luong is how 'Đồng hồ đo nước' of dong_ho_nuoc begins"),
        ('synonyms = ["xăng", ', 'synonyms = ["92", "xăng", ', "a synonym cannot be a number"),
        ('synonyms = ["xăng", ', 'synonyms = [" - ", "xăng", ', "a synonym must have a letter or a digit"),
        ('synonyms = ["xăng", "cây xăng", "cửa hàng xăng dầu", "trạm xăng", "chxd"]', 'synonyms = "xăng"',
         "facility_kinds[0]: synonyms must be a list of text"),
    ],
)  # fmt: skip
def test_a_synonym_that_cannot_name_one_entry_is_refused_at_load(tmp_path, old, new, message):
    path = repo_config_with(tmp_path, old, new)
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_the_invitation_limits_are_config_keys_with_the_old_values(tmp_path):
    """[invitations]: the wrong-code limits that were written into handlers/people.CodeLimiter; the
    section, or any key of it, left out: the same values."""
    from bot.config_sections import InvitationsConfig
    from handlers.people import CodeLimiter

    config = load_config(REPO / "config.toml", env={})
    assert config.invitations == InvitationsConfig() and CodeLimiter.of(config.invitations) == CodeLimiter()
    source = (REPO / "config.toml").read_text(encoding="utf-8")
    section = source[source.index("[invitations]"):source.index("[language]")]
    assert load_config(write(tmp_path, source.replace(section, "")), env={}).invitations == InvitationsConfig()
    fewer = source.replace("wrong_codes_per_hour = 30\n", "").replace("wrong_codes_per_account = 5", "wrong_codes_per_account = 3")
    assert load_config(write(tmp_path, fewer), env={}).invitations == InvitationsConfig(wrong_codes_per_account=3)

