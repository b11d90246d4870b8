"""Random conversations against the sample calibration form: whatever people send, the runtime holds.

Hypothesis sends typed words, numbers, navigation words, taps on current and old keyboards, photos,
locations and stickers. Whatever happens: no exception, the state always survives JSON, a draft is
saved at most once, and what is saved always satisfies the form's rules.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.messages import Location
from tests.test_flow import HAPPY, FormRun

WORDS = [
    "ok", "có", "không", "k", "quay lại", "back", "bỏ qua", "skip", "sửa", "xác nhận", "1", "2", "3", "4",
    "hôm nay", "hom qua", "13/1", "31/02/2023", "1/1/2030", "0", "3", "70", "1.200", "-3", "1,5",
    "-0,3", "+0,25", "xong", "dien", "d", "abc", "",
]  # fmt: skip

typed = st.one_of(
    st.sampled_from(WORDS),
    st.integers(min_value=-5, max_value=2000).map(str),
    st.text(max_size=30),
).map(lambda text: ("text", text))
tap = st.integers(min_value=0, max_value=30).map(lambda n: ("tap", n))
old_tap = st.integers(min_value=0, max_value=200).map(lambda n: ("old_tap", n))
other = st.sampled_from(
    [("photo", ""), ("location", ""), ("sticker", ""), ("command", "report"), ("command", "skip")]
)
action = st.one_of(typed, typed, tap, tap, old_tap, other)
cancel = ("text", "hủy")
noise = st.one_of(old_tap, other.filter(lambda a: a != ("command", "skip")))


async def play(actions: list[tuple[str, Any]]) -> FormRun:
    """Send the actions one by one until the draft ends; the same rules must hold after every step."""
    chat = FormRun()
    await chat.start()
    seen_keys: list[str] = []
    for kind, arg in actions:
        if chat.state is None:
            break
        await send(chat, kind, arg, seen_keys)
        seen_keys += [c.key for c in chat.question.choices]
        assert len(chat.saved) <= 1
    return chat


async def send(chat: FormRun, kind: str, arg: Any, seen_keys: list[str]) -> None:
    choices = chat.question.choices
    if kind == "text":
        await chat.say(arg)
    elif kind == "tap" and choices:
        await chat.send(kind="choice", choice=choices[arg % len(choices)].key)
    elif kind == "old_tap" and (old := [k for k in seen_keys if not k.startswith(chat.state["token"] + "|")]):
        await chat.send(kind="choice", choice=old[arg % len(old)])
    elif kind == "photo":
        await chat.send(kind="photo", photo_path=f"media/{len(seen_keys)}.jpg")
    elif kind == "location":
        await chat.send(kind="location", location=Location(20.65, 106.05))
    elif kind == "command":
        await chat.send(kind="command", command=arg)
    elif kind == "sticker":
        await chat.send(kind="sticker")


def check_saved(answers: dict[str, Any]) -> None:
    """The calibration batch's invariants, and the form's own shape."""
    assert 0 <= answers["rejected"] <= answers["verified"]
    assert 0 <= answers["certificates"] <= answers["verified"] - answers["rejected"]
    assert ("reason" in answers) == (answers["rejected"] > 0)
    assert 1 <= len(answers["standards"]) <= 2
    assert all(set(item) == {"serial", "error"} for item in answers["standards"])
    assert answers["field"] in answers["_labels"].values() or answers["field"] in {"dien", "kl", "dt", "dtnd"}


# Random actions alone seldom finish a form; half the runs put the form's answers between random
# actions, so that the rules on what is saved are checked on saved records.
around_the_answers = st.tuples(st.lists(action, max_size=6), st.lists(action, max_size=20)).map(
    lambda parts: [*parts[0], *(("text", a) for a in HAPPY), *parts[1], ("text", "xác nhận")]
)


def test_random_conversations_never_break_the_rules():
    saves: list[int] = []

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(st.lists(action, max_size=60), around_the_answers))
    def conversation(actions):
        chat = asyncio.run(play(actions))
        assert len(chat.saved) <= 1
        for answers in chat.saved:
            check_saved(answers)
        saves.append(len(chat.saved))

    conversation()
    assert sum(saves) >= 10, f"only {sum(saves)} of {len(saves)} runs saved: the rules were hardly checked"


def test_conversations_that_reach_the_review_and_confirm():
    """Random edits after a full form, then confirm: at most one save, always valid."""
    saves: list[int] = []

    @settings(max_examples=100, deadline=None)
    @given(st.lists(st.one_of(typed, tap, old_tap, other), min_size=20, max_size=60))
    def conversation(prefix):
        actions = [("text", a) for a in HAPPY] + prefix + [("text", "xác nhận")] * 3
        chat = asyncio.run(play(actions))
        assert len(chat.saved) <= 1
        for answers in chat.saved:
            check_saved(answers)
        saves.append(len(chat.saved))

    conversation()
    assert sum(saves) >= 10, f"only {sum(saves)} of {len(saves)} runs saved: the rules were hardly checked"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(noise, max_size=3), min_size=len(HAPPY) + 1, max_size=len(HAPPY) + 1))
def test_noise_between_answers_loses_nothing(noise_runs):
    """Photos, stickers, pins and old taps between the answers leave the saved record unchanged."""
    actions: list[tuple[str, Any]] = []
    for answer, run in zip([*HAPPY, "xác nhận"], noise_runs, strict=True):
        actions += run + [("text", answer)]
    chat = asyncio.run(play(actions))
    [answers] = chat.saved
    check_saved(answers)
    assert (answers["verified"], answers["rejected"], answers["certificates"]) == (70, 3, 67)
    assert answers["standards"][0]["serial"] == "S-01"


def test_cancel_at_any_point_saves_nothing():
    for position in range(len(HAPPY) + 1):
        chat = asyncio.run(play([("text", a) for a in HAPPY[:position]] + [cancel]))
        assert chat.state is None and not chat.saved
