"""The month page's charts as SVG written on the server (issue 25): no JavaScript, no build.

Each chart is one `<svg>` with a viewBox 360 units wide, the width of a phone's screen, so that text of
11 units reads as 11 pixels on a phone and a page may widen it on a desktop (CSS: width 100 %, a max
width). Colours and fonts are presentation attributes, not `style`, so a Content-Security-Policy
without inline styles keeps them; the colours (Okabe–Ito) stay apart for colour-blind readers and on a
grey print. Every label is escaped; a long one is shortened with "…" and kept whole in its `<title>`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import texts
from reports.aggregate import format_count
from reports.month import RECORD_KINDS, Comparison, MonthView, Week

WIDTH = 360
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
COLOURS = {"calibration": "#0072B2", "inspection": "#E69F00", "licence": "#009E73", "activity": "#CC79A7"}
CURRENT, PREVIOUS = "#0072B2", "#9CC7E4"
INK, GRID, MUTED = "#1a1a1a", "#d0d0d0", "#555555"
LABEL_CHARS = 56


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_e(chart_id)}" viewBox="0 0 {WIDTH} '
        f'{height:.0f}" role="img" aria-labelledby="{_e(chart_id)}-t {_e(chart_id)}-d" {FONT} font-size="11" '
        f'fill="{INK}"><title id="{_e(chart_id)}-t">{_e(title)}</title><desc id="{_e(chart_id)}-d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def nice_max(value: int) -> int:
    """The top of an axis with four grid steps: 4 × the smallest 1, 2 or 5 × 10^k step that reaches
    `value` (21 → 40: lines at 10, 20, 30, 40; 0 → 4)."""
    need = max(math.ceil(value / 4), 1)
    power = 10 ** math.floor(math.log10(need))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= need)
    return 4 * step


def _day(d) -> str:
    return d.strftime("%d/%m")


# --- records per week and kind -----------------------------------------------------------------------------


def weekly_chart(view: MonthView, chart_id: str = "weekly") -> str:
    """Stacked bars, one per week of the period, a colour per kind of record; the legend below."""
    weeks: Sequence[Week] = view.weeks
    left, right, top, plot_h = 34, 8, 16, 150
    plot_w = WIDTH - left - right
    top_value = nice_max(max((w.total for w in weeks), default=0))
    base = top + plot_h
    body: list[str] = []
    for i in range(5):  # grid lines and their values
        value = top_value * i // 4
        y = base - plot_h * i / 4
        body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
                    f'stroke-width="0.6"/>')  # fmt: skip
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">'
                    f"{_e(format_count(value))}</text>")  # fmt: skip
    slot = plot_w / max(len(weeks), 1)
    bar = max(min(slot * 0.7, 40), 1.5)
    every = max(1, math.ceil(34 / slot))  # a date label needs about 34 units
    for i, week in enumerate(weeks):
        x = left + i * slot + (slot - bar) / 2
        tip = texts.month.WEEK_TIP.format(start=_day(week.start), end=_day(week.end), count=format_count(week.total))
        parts = [f"<title>{_e(tip)}</title>"]
        y = base
        for kind in RECORD_KINDS:
            n = week.counts.get(kind, 0)
            if n:
                h = plot_h * n / top_value
                y -= h
                parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                             f'fill="{COLOURS[kind]}" data-kind="{kind}" data-count="{n}"/>')  # fmt: skip
        if week.total and slot >= 18:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">'
                         f"{_e(format_count(week.total))}</text>")  # fmt: skip
        body.append(f'<g class="week" data-start="{week.start.isoformat()}" data-total="{week.total}">'
                    + "".join(parts) + "</g>")  # fmt: skip
        if i % every == 0:
            body.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{base + 14}" text-anchor="middle" '
                        f'fill="{MUTED}" font-size="10">{_e(_day(week.start))}</text>')  # fmt: skip
    body.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{base}" y2="{base}" stroke="{MUTED}"/>')
    legend_top = base + 30
    for i, kind in enumerate(RECORD_KINDS):
        x, y = left + (i % 2) * 160, legend_top + (i // 2) * 18
        body.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[kind]}"/>'
                    f'<text x="{x + 14}" y="{y}">{_e(texts.month.RECORD_KINDS[kind])} '
                    f"({_e(format_count(view.records.get(kind, 0)))})</text>")  # fmt: skip
    if not view.total:
        body.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
                    f'fill="{MUTED}">{_e(texts.month.WEEKLY_EMPTY)}</text>')  # fmt: skip
    desc = texts.month.WEEKLY_DESC.format(total=format_count(view.total), period=view.period.phrase,
                                          start=view.period.start.strftime("%d/%m/%Y"),
                                          end=view.period.end.strftime("%d/%m/%Y"))  # fmt: skip
    return _svg(chart_id, legend_top + 2 * 18, texts.month.WEEKLY_TITLE, desc, body)


# --- this period against the previous one ------------------------------------------------------------------


def comparison_chart(view: MonthView, chart_id: str = "compare") -> str:
    """Per figure a label and two bars, this period (dark) above the previous (light), each row on its
    own scale (the figures are of different sizes: instruments by the hundred, facilities by the ten)."""
    left, right = 4, 44
    bar_w = WIDTH - left - right
    current, previous = view.period.label, view.previous.label
    body = [
        f'<rect x="{left}" y="4" width="10" height="10" fill="{CURRENT}"/><text x="{left + 14}" y="13">'
        f"{_e(current)}</text>",
        f'<rect x="{left + 180}" y="4" width="10" height="10" fill="{PREVIOUS}"/><text x="{left + 194}" y="13">'
        f"{_e(previous)}</text>",
    ]
    y = 30
    for row in view.comparison:
        body.append(_comparison_row(row, left, y, bar_w))
        y += 44
    title = texts.month.COMPARE_TITLE.format(current=current, previous=view.previous.phrase)
    desc = texts.month.COMPARE_DESC.format(current=view.period.phrase, previous=view.previous.phrase)
    return _svg(chart_id, y, title, desc, body)


def _comparison_row(row: Comparison, left: float, y: float, bar_w: float) -> str:
    scale = max(row.current, row.previous, 1)
    tip = texts.month.COMPARE_TIP.format(label=row.label, current=row.current_text, previous=row.previous_text)
    parts = [f"<title>{_e(tip)}</title>", f'<text x="{left}" y="{y + 10}">{_e(_short(row.label))}</text>']
    for offset, value, text, colour, which in (
        (14, row.current, row.current_text, CURRENT, "current"),
        (26, row.previous, row.previous_text, PREVIOUS, "previous"),
    ):
        w = bar_w * value / scale
        parts.append(f'<rect x="{left}" y="{y + offset}" width="{max(w, 0.8 if value else 0):.1f}" height="10" '
                     f'fill="{colour}" data-{which}="{value}"/>'
                     f'<text x="{left + w + 4:.1f}" y="{y + offset + 9}" font-size="10">{_e(text)}</text>')  # fmt: skip
    return f'<g class="row" data-row="{_e(row.key)}">' + "".join(parts) + "</g>"
