"""Server-side SVG charts for the dashboards: columns, horizontal bars, stacked bars and a trend line.

Plain strings built here, no JavaScript and nothing fetched from elsewhere. Every chart is an
``<svg role="img">`` named by its ``<title>`` and ``<desc>``; every bar, segment and point prints
its value as text and carries its own ``<title>`` (read by screen readers, shown on hover), and a
bar with a link wraps it in ``<a href>`` so each figure drills down to the records behind it.
Lengths are proportional to the values (the longest bar spans the plot); no data draws a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

PALETTE = ("#0b3d66", "#2e7d32", "#ef6c00", "#7b1fa2", "#c62828", "#00838f", "#6d4c41", "#546e7a")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str = ""
    colour: str = ""


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple
    colour: str = ""


def number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 1), 1)
    return number_format(int(value), force_grouping=True)


def _attr(text) -> str:
    return escape(str(text), quote=True)


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _linked(href: str, inner: str) -> str:
    return f'<a href="{_attr(href)}">{inner}</a>' if href else inner


def _frame(chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_attr(chart_id)}" '
            f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
            f'aria-labelledby="{_attr(chart_id)}-title {_attr(chart_id)}-desc" {FONT}>'
            f'<title id="{_attr(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{_attr(chart_id)}-desc">{escape(desc)}</desc>{body}</svg>')


def _empty(chart_id, width, title, note) -> str:
    body = (f'<text x="{width / 2}" y="30" text-anchor="middle" fill="#6b7780" class="c-empty">'
            f'{escape(note or _("No data yet."))}</text>')
    return _frame(chart_id, width, 50, title, note or _("No data yet."), body)


def _legend(entries, left: int, width: int) -> tuple[str, int]:
    """Colour keys for (label, colour) entries, wrapped onto as many rows as the width needs;
    returns the SVG and the height it takes."""
    parts, x, y = [], left, 4
    for label, colour in entries:
        size = 24 + 7 * len(str(label))
        if x + size > width and x > left:
            x, y = left, y + 16
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" class="c-legend">{escape(str(label))}</text>')
        x += size
    return "".join(parts), y + 18


def _describe(items) -> str:
    return "; ".join(f"{item.label}: {number(item.value)}" for item in items)


def bar_chart(items, *, title: str, chart_id: str, width: int = 560, height: int = 200,
              empty: str = "") -> str:
    """Vertical columns, one per item, heights proportional to the values."""
    items = list(items)
    top = max((item.value or 0 for item in items), default=0)
    if not items or top <= 0:
        return _empty(chart_id, width, title, empty)
    plot_top, plot_bottom = 22, height - 36
    plot = plot_bottom - plot_top
    slot = (width - 20) / len(items)
    bar = min(60.0, slot * 0.7)
    parts = [f'<line x1="10" y1="{plot_bottom}" x2="{width - 10}" y2="{plot_bottom}" stroke="#9aa5ae"/>']
    for index, item in enumerate(items):
        value = item.value or 0
        h = round(plot * value / top, 2)
        x = round(10 + slot * index + (slot - bar) / 2, 2)
        y = round(plot_bottom - h, 2)
        colour = item.colour or PALETTE[index % len(PALETTE)]
        label = f"{item.label}: {number(value)}"
        rect = (f'<rect class="c-bar" x="{x}" y="{y}" width="{round(bar, 2)}" height="{h}" fill="{colour}" '
                f'data-value="{value}"><title>{escape(label)}</title></rect>')
        centre = round(x + bar / 2, 2)
        parts.append(_linked(item.href, rect))
        parts.append(f'<text x="{centre}" y="{round(y - 5, 2)}" text-anchor="middle" class="c-value" '
                     f'font-weight="600">{number(value)}</text>')
        parts.append(f'<text x="{centre}" y="{plot_bottom + 16}" text-anchor="middle" class="c-label">'
                     f'{escape(_short(item.label, max(6, int(slot / 7))))}</text>')
    return _frame(chart_id, width, height, title, _describe(items), "".join(parts))


def hbar_chart(items, *, title: str, chart_id: str, width: int = 560, label_width: int = 200,
               row: int = 24, empty: str = "", scale_max: float | None = None) -> str:
    """Horizontal bars, one row per item (long names fit), lengths proportional to the values;
    ``scale_max`` fixes the full length (100 for percentages, so 0 % still draws its row)."""
    items = list(items)
    top = scale_max or max((item.value or 0 for item in items), default=0)
    if not items or top <= 0:
        return _empty(chart_id, width, title, empty)
    plot = width - label_width - 70
    height = row * len(items) + 8
    parts = []
    for index, item in enumerate(items):
        value = item.value or 0
        y = 4 + row * index
        length = round(plot * value / top, 2)
        colour = item.colour or PALETTE[0]
        label = f"{item.label}: {number(value)}"
        parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.65}" text-anchor="end" class="c-label">'
                     f'{escape(_short(item.label, int(label_width / 7.2)))}</text>')
        rect = (f'<rect class="c-bar" x="{label_width}" y="{y + 3}" width="{length}" height="{row - 8}" '
                f'fill="{colour}" data-value="{value}"><title>{escape(label)}</title></rect>')
        parts.append(_linked(item.href, rect))
        parts.append(f'<text x="{label_width + length + 5}" y="{y + row * 0.65}" class="c-value" '
                     f'font-weight="600">{number(value)}</text>')
    return _frame(chart_id, width, height, title, _describe(items), "".join(parts))


def stacked_bar(rows, series, *, title: str, chart_id: str, width: int = 560, label_width: int = 170,
                row: int = 26, normalise: bool = False, empty: str = "") -> str:
    """Horizontal stacked bars. ``rows``: (label, {series key: value}, href); ``series``:
    (key, label, colour) in stacking order. ``normalise``: every bar spans the plot (shares)."""
    rows = [(label, values, href) for label, values, href in rows]
    totals = [sum(values.get(key, 0) or 0 for key, _l, _c in series) for _label, values, _href in rows]
    top = max(totals, default=0)
    if not rows or top <= 0:
        return _empty(chart_id, width, title, empty)
    plot = width - label_width - 60
    legend, legend_height = _legend([(label, colour or PALETTE[index % len(PALETTE)])
                                     for index, (_key, label, colour) in enumerate(series)], 10, width)
    height = legend_height + row * len(rows) + 6
    parts = [legend]
    described = []
    for index, ((label, values, href), total) in enumerate(zip(rows, totals)):
        y = legend_height + row * index
        parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.62}" text-anchor="end" class="c-label">'
                     f'{escape(_short(label, int(label_width / 7.2)))}</text>')
        scale = plot / (total if normalise else top) if total else 0
        x = float(label_width)
        pieces = []
        for s_index, (key, s_label, colour) in enumerate(series):
            value = values.get(key, 0) or 0
            if not value:
                continue
            length = round(value * scale, 2)
            colour = colour or PALETTE[s_index % len(PALETTE)]
            text = f"{label} — {s_label}: {number(value)}"
            pieces.append(f"{s_label} {number(value)}")
            parts.append(f'<rect class="c-segment" x="{round(x, 2)}" y="{y + 3}" width="{length}" '
                         f'height="{row - 9}" fill="{colour}" data-key="{_attr(key)}" data-value="{value}">'
                         f'<title>{escape(text)}</title></rect>')
            if length >= 8 * len(number(value)) + 4:
                parts.append(f'<text x="{round(x + length / 2, 2)}" y="{y + row * 0.58}" text-anchor="middle" '
                             f'fill="#fff" class="c-value" font-size="11">{number(value)}</text>')
            x += length
        parts.append(_linked(href, f'<text x="{round(x + 5, 2)}" y="{y + row * 0.6}" class="c-total" '
                                   f'font-weight="600">{number(total)}</text>'))
        described.append(f"{label}: {', '.join(pieces) or number(0)}")
    return _frame(chart_id, width, height, title, "; ".join(described), "".join(parts))


def line_chart(x_labels, series, *, title: str, chart_id: str, width: int = 560, height: int = 230,
               empty: str = "") -> str:
    """One line per series over ``x_labels`` (e.g. quarters), every point's value printed."""
    x_labels = list(x_labels)
    series = [s for s in series]
    top = max((v or 0 for s in series for v in s.values), default=0)
    if not x_labels or not series or top <= 0:
        return _empty(chart_id, width, title, empty)
    left, right, bottom = 44, 32, 30
    legend, legend_height = _legend([(line.label, line.colour or PALETTE[index % len(PALETTE)])
                                     for index, line in enumerate(series)], 10, width)
    height += legend_height - 22
    plot_top, plot_bottom = legend_height + 16, height - bottom
    plot = plot_bottom - plot_top
    step = (width - left - right) / max(1, len(x_labels) - 1)
    parts = [legend]
    for fraction in (0, 0.5, 1):
        y = round(plot_bottom - plot * fraction, 2)
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#e3e8ec"/>'
                     f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" class="c-axis" fill="#6b7780">'
                     f'{number(top * fraction)}</text>')
    for index, label in enumerate(x_labels):
        parts.append(f'<text x="{round(left + step * index, 2)}" y="{plot_bottom + 18}" text-anchor="middle" '
                     f'class="c-label">{escape(label)}</text>')
    described = []
    for index, line in enumerate(series):
        colour = line.colour or PALETTE[index % len(PALETTE)]
        points = [(round(left + step * i, 2), round(plot_bottom - plot * (v or 0) / top, 2))
                  for i, v in enumerate(line.values)]
        parts.append(f'<polyline class="c-line" fill="none" stroke="{colour}" stroke-width="2" '
                     f'points="{" ".join(f"{px},{py}" for px, py in points)}"/>')
        for (px, py), label, value in zip(points, x_labels, line.values):
            parts.append(f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}" data-value="{value or 0}">'
                         f'<title>{escape(f"{line.label}, {label}: {number(value or 0)}")}</title></circle>'
                         f'<text x="{px}" y="{round(py - 6, 2)}" text-anchor="middle" font-size="10" '
                         f'fill="{colour}" class="c-value">{number(value or 0)}</text>')
        described.append(f"{line.label}: " + ", ".join(f"{label} {number(value or 0)}"
                                                       for label, value in zip(x_labels, line.values)))
    return _frame(chart_id, width, height, title, "; ".join(described), "".join(parts))
