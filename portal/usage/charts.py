"""Server-rendered SVG charts: numbers → shapes, in Python, drawn by ``usage/_chart.html``.

Why SVG from the server rather than a chart library: the CSP allows only our own scripts and no
inline styles, the charts must work without JavaScript, and every number must also be readable
as text. SVG presentation attributes (``fill``, ``stroke``) are not inline styles, so the CSP
holds; hover and focus show a bucket's numbers through CSS alone (``.chart-bucket:hover``);
``static/js/charts.js`` only adds arrow-key movement between buckets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

WIDTH = 800
HEIGHT = 260
LEFT = 64
RIGHT = 12
TOP = 12
BOTTOM = 30
TIP_WIDTH = 210
LINE_HEIGHT = 15


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


@dataclass
class Chart:
    """Everything the template draws; coordinates in the viewBox's units."""

    id: str
    title: str
    kind: str  # "bars" (stacked) or "lines"
    series: list[Series]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_height: int = HEIGHT - BOTTOM - TOP
    plot_bottom: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT
    ticks: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    bars: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    buckets: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for the axis and its tick step (1, 2 or 5 × 10ⁿ, four steps or so)."""
    if value <= 0:
        return 1.0, 0.25
    rough = value / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step * 4 >= value:
            return step * 4, step
    return magnitude * 40, magnitude * 10  # pragma: no cover - the loop always returns


def build(
    *,
    id: str,  # noqa: A002 - the element id
    title: str,
    kind: str,
    series: Sequence[Series],
    rows: Sequence[dict[str, Any]],
    label: Callable[[dict[str, Any]], str],
    short_label: Callable[[dict[str, Any]], str],
    axis: Callable[[float], str],
    value_text: Callable[[float], str],
) -> Chart:
    """A chart of ``rows`` (one dict per bucket holding each series' value by key)."""
    chart = Chart(id=id, title=title, kind=kind, series=list(series))
    count = max(1, len(rows))
    plot_width = chart.plot_right - chart.left
    plot_height = chart.plot_bottom - TOP
    slot = plot_width / count
    if kind == "bars":
        peak = max((sum(row[s.key] for s in series) for row in rows), default=0)
    else:
        peak = max((row[s.key] for row in rows for s in series), default=0)
    top, tick = nice_ceiling(float(peak))

    def y(value: float) -> float:
        return round(chart.plot_bottom - (value / top) * plot_height, 2)

    value = 0.0
    while value <= top + tick / 2:
        chart.ticks.append({"y": y(value), "text": axis(value)})
        value += tick
    every = max(1, math.ceil(count / 8))
    for index, row in enumerate(rows):
        x = chart.left + index * slot
        if index % every == 0:
            chart.labels.append({"x": round(x + slot / 2, 2), "text": short_label(row)})
        lines = [label(row)] + [f"{s.label}: {value_text(row[s.key])}" for s in series]
        if kind == "bars" and len(series) > 1:
            lines.append(f"Total: {value_text(sum(row[s.key] for s in series))}")
        tip_height = 8 + LINE_HEIGHT * len(lines)
        tip_x = x + slot + 6 if x + slot + 6 + TIP_WIDTH <= chart.plot_right else x - TIP_WIDTH - 6
        chart.buckets.append(
            {
                "x": round(x, 2),
                "width": round(slot, 2),
                "first": index == 0,
                "aria": "; ".join(lines),
                "tip_x": round(max(chart.left, tip_x), 2),
                "tip_y": TOP,
                "tip_height": tip_height,
                "tip_lines": [
                    {"text": text, "y": TOP + 4 + LINE_HEIGHT * (n + 1) - 3, "bold": n == 0}
                    for n, text in enumerate(lines)
                ],
            }
        )
        if kind == "bars":
            bar_width = max(1.0, slot * 0.72)
            base = 0.0
            for s in series:
                amount = float(row[s.key])
                if amount > 0:
                    chart.bars.append(
                        {
                            "x": round(x + (slot - bar_width) / 2, 2),
                            "y": y(base + amount),
                            "width": round(bar_width, 2),
                            "height": round(y(base) - y(base + amount), 2),
                            "colour": s.colour,
                        }
                    )
                base += amount
    if kind == "lines":
        for s in series:
            points = " ".join(
                f"{round(chart.left + (i + 0.5) * slot, 2)},{y(float(row[s.key]))}"
                for i, row in enumerate(rows)
            )
            dots = (
                [
                    {"x": round(chart.left + (i + 0.5) * slot, 2), "y": y(float(row[s.key]))}
                    for i, row in enumerate(rows)
                ]
                if count <= 60
                else []
            )
            chart.lines.append({"points": points, "colour": s.colour, "dots": dots})
    chart.summary = f"{title}: {len(rows)} buckets; the highest is {value_text(peak)}."
    return chart


@dataclass(frozen=True)
class Spark:
    bars: list[dict[str, Any]]
    width: int
    height: int


def sparkline(values: Sequence[tuple[int, int]], *, width: int = 168, height: int = 40) -> Spark:
    """Small bars of (total, errors) per bucket; the error part of each bar drawn in red."""
    peak = max((total for total, _ in values), default=0) or 1
    slot = width / max(1, len(values))
    bars = []
    for index, (total, errors) in enumerate(values):
        full = total / peak * (height - 2)
        bad = errors / peak * (height - 2)
        # An error share too small to see still gets a hairline, so a bad day is never hidden.
        if errors and bad < 1.5:
            bad = 1.5
        x = round(index * slot + slot * 0.15, 2)
        bars.append(
            {
                "x": x,
                "width": round(slot * 0.7, 2),
                "y": round(height - full, 2),
                "height": round(max(full - bad, 0), 2),
                "bad_y": round(height - bad, 2),
                "bad_height": round(bad, 2),
            }
        )
    return Spark(bars=bars, width=width, height=height)
