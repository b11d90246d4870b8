"""Chaos, small enough for CI (issue 10): the real process SIGKILLed at random moments on each channel
and mode while people record, restarted at once; records and confirmations checked against what
they sent. The long version is bench/bench_chaos.py; figures in docs/reliability.md."""

from __future__ import annotations

import pytest

from tests.chaos_kit import run_chaos


@pytest.mark.parametrize("channel,mode", [("zalo", "webhook"), ("zalo", "polling"),
                                          ("telegram", "polling"), ("telegram", "webhook")])
async def test_kills_lose_and_double_nothing(tmp_path, channel, mode):
    outcome = await run_chaos(channel, mode, tmp_path, people_count=4, kills=2, seed=len(channel + mode))
    print(outcome.line())
    assert outcome.kills == 2
    assert outcome.duplicates == 0, outcome.line()
    assert outcome.unconfirmed_records == 0, outcome.line()  # every record's "Đã lưu" reached its person
    if (channel, mode) != ("zalo", "polling"):  # Zalo polling has a (tiny) window: measured, not promised
        assert outcome.lost == 0 and outcome.records == outcome.confirmed == outcome.people, outcome.line()
    assert outcome.records <= outcome.confirmed, outcome.line()
