"""Small static SVG charts for the downloadable HTML report.

Written here rather than exported from Plotly: a static Plotly image needs Kaleido, which drives
a headless browser at run time (not something a person's laptop or this app's server can be
assumed to have), and embedding plotly.js made the report 4.9 MB, 98.8 % of it the library. These
charts are a few kilobytes, open offline, print sharply and scale to a phone's width. Every text is
escaped; nothing from an instrument becomes markup.
"""

from __future__ import annotations

import textwrap

from .plaintext import html as _plain_html

# Drawn for a phone's width (390 px less the page's margins), so that on a phone its texts keep the
# size they are written at (a 520-wide drawing shrank 12 px texts to 8 px at 390 px); on a wider
# screen it grows to at most MAX_WIDTH.
WIDTH = 360
MAX_WIDTH = 460
WRAP = 46  # characters of a 13 px label in WIDTH
DARK = {"#b3261e", "#2e7d32", "#5c6bc0", "#1f5fa8"}  # fills white text reads well on
FONT = "font-family:'Source Sans Pro',Arial,sans-serif"


def _e(value: object) -> str:
    return _plain_html(value)  # escaped, and without invisible characters (bidi overrides, zero-width)


def _svg(height: int, title: str, body: list[str]) -> str:
    # width 100% with a viewBox: the chart shrinks to a phone's width instead of overflowing
    return (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='100%' "
            f"role='img' aria-label='{_e(title)}' style='max-width:{MAX_WIDTH}px;{FONT}'>"
            f"<title>{_e(title)}</title>"
            f"<text x='0' y='18' font-size='16' font-weight='600' fill='#222'>{_e(title)}</text>"
            + "".join(body) + "</svg>")


def bars(title: str, rows: list[tuple[str, float | None, str, str]], *, top: float | None = 100.0,
         axis: str = "") -> str:
    """Horizontal bars: (label, value or None, colour, text shown beside the bar).

    ``top`` is the axis maximum (None: the largest value). Labels sit above their bar, so long
    checklist names never squeeze the bars on a narrow screen."""
    values = [v for _, v, _, _ in rows if v is not None]
    top = top if top is not None else max(values + [1.0])
    left, right, row_h = 0, WIDTH - 10, 46
    span = right - left
    body, y = [], 36
    for label, value, colour, text in rows:
        lines = textwrap.wrap(str(label), WRAP) or [""]  # a long name in lines, never past the edge
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), WRAP, placeholder=" …")]
        for line in lines[:-1]:
            body.append(f"<text x='{left}' y='{y + 12}' font-size='13' fill='#222'>{_e(line)}</text>")
            y += 16
        body.append(f"<text x='{left}' y='{y + 12}' font-size='13' fill='#222'>{_e(lines[-1])}</text>")
        width = 0 if value is None else max(0.0, min(value, top)) / top * span
        body.append(f"<rect x='{left}' y='{y + 18}' width='{span}' height='16' fill='#f1f1f1'/>")
        if width:
            body.append(f"<rect x='{left}' y='{y + 18}' width='{width:.1f}' height='16' fill='{_e(colour)}'/>")
        inside = width > span * 0.6
        tx = left + width - 6 if inside else left + width + 6
        anchor = "end" if inside else "start"
        fill = "#fff" if inside and colour.lower() in DARK else "#222"  # contrast of at least 4.5:1
        body.append(f"<text x='{tx:.1f}' y='{y + 30}' font-size='12' text-anchor='{anchor}' fill='{fill}'>"
                    f"{_e(text)}</text>")
        y += row_h
    if axis:
        body.append(f"<text x='{right}' y='{y + 8}' font-size='11' text-anchor='end' fill='#555'>{_e(axis)}</text>")
        y += 12
    return _svg(y + 6, title, body)


def columns(title: str, rows: list[tuple[str, float | None, str]], *, low: float, high: float,
            colour: str) -> str:
    """Vertical bars on a fixed scale (the alliance profile on 1-5): (label, value, text)."""
    height, base, top_y = 220, 180, 40
    n = max(len(rows), 1)
    slot = WIDTH / n
    body = [f"<line x1='0' x2='{WIDTH}' y1='{base}' y2='{base}' stroke='#bbb'/>"]
    for k, (label, value, text) in enumerate(rows):
        x = k * slot + slot * 0.2
        w = slot * 0.6
        if value is not None:
            h = (min(max(value, low), high) - low) / (high - low) * (base - top_y) if high > low else 0
            body.append(f"<rect x='{x:.1f}' y='{base - h:.1f}' width='{w:.1f}' height='{h:.1f}' fill='{_e(colour)}'/>")
            body.append(f"<text x='{x + w / 2:.1f}' y='{base - h - 4:.1f}' font-size='12' text-anchor='middle' "
                        f"fill='#222'>{_e(text)}</text>")
        body.append(f"<text x='{x + w / 2:.1f}' y='{base + 16}' font-size='12' text-anchor='middle' fill='#222'>"
                    f"{_e(label)}</text>")
    return _svg(height, title, body)


def lines(title: str, series: dict[str, list[tuple[str, float | None]]], *, top: float = 100.0) -> str:
    """One line per series over dates (category axis, in order of first appearance)."""
    dates = list(dict.fromkeys(d for points in series.values() for d, _ in points))
    base, top_y, left, right = 200, 40, 30, WIDTH - 10
    palette = ["#1f5fa8", "#e8710a", "#2e7d32", "#8e24aa", "#6d4c41", "#00838f"]
    step = (right - left) / max(len(dates) - 1, 1)

    def xy(date: str, value: float) -> tuple[float, float]:
        x = left + dates.index(date) * step if len(dates) > 1 else (left + right) / 2
        return x, base - max(0.0, min(value, top)) / top * (base - top_y)

    body = [f"<line x1='{left}' x2='{right}' y1='{base}' y2='{base}' stroke='#bbb'/>",
            f"<text x='0' y='{top_y + 4}' font-size='11' fill='#555'>{top:g}</text>",
            f"<text x='0' y='{base + 4}' font-size='11' fill='#555'>0</text>"]
    for date in dates:
        x, _ = xy(date, 0)
        body.append(f"<text x='{x:.1f}' y='{base + 16}' font-size='11' text-anchor='middle' fill='#555'>"
                    f"{_e(date)}</text>")
    legend_y = base + 36
    for k, (name, points) in enumerate(series.items()):
        colour = palette[k % len(palette)]
        shown = [xy(d, v) for d, v in points if v is not None]
        if len(shown) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in shown)
            body.append(f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='2'/>")
        body += [f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{colour}'/>" for x, y in shown]
        body.append(f"<rect x='{left}' y='{legend_y + 16 * k - 9}' width='10' height='10' fill='{colour}'/>"
                    f"<text x='{left + 16}' y='{legend_y + 16 * k}' font-size='12' fill='#222'>{_e(name)}</text>")
    return _svg(legend_y + 16 * len(series) + 4, title, body)
