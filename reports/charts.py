"""Chart geometry for the weekly report's inline SVG: numbers in, coordinates out.

The template draws what these return; nothing here writes markup, so all
text reaches the page through jinja2's autoescaping. Every chart in the
report is also given as a table, for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# GOV.UK Design System colours (govuk-frontend settings/_colours-palette.scss).
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
RED = "#d4351c"
ORANGE = "#f47738"
GREEN = "#00703c"
GREY = "#505a5f"
MID_GREY = "#b1b4b6"
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    lines: dict[str, tuple[tuple[Segment, ...], tuple[Dot, ...]]]  # series name -> (segments, dots)
    england_y: float | None
    england_label: str | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def trend_chart(week_ends: list[date], series: dict[str, list[float | None]], england: float | None,
                england_label: str | None, width: int = 640, height: int = 280) -> TrendChart:
    """Percentages (0-100) per week; a week with no plans is a gap in its line."""
    left, top, right, bottom = 48, 16, 16, 48
    plot_width, plot_height = width - left - right, height - top - bottom
    count = max(len(week_ends), 1)

    def x(index: int) -> float:
        return round(left + (plot_width * index / (count - 1) if count > 1 else plot_width / 2), 1)

    def y(value: float) -> float:
        return round(top + plot_height * (1 - value / 100), 1)

    lines = {}
    for name, values in series.items():
        segments, dots = [], []
        for index, value in enumerate(values):
            if value is None:
                continue
            dots.append(Dot(x(index), y(value), f"{week_ends[index].isoformat()}: {value}%"))
            if index > 0 and values[index - 1] is not None:
                segments.append(Segment(x(index - 1), y(values[index - 1]), x(index), y(value)))
        lines[name] = (tuple(segments), tuple(dots))
    x_ticks = tuple(Tick(x(index), week_ends[index].strftime("%d %b"))
                    for index in range(0, len(week_ends), 4)) if week_ends else ()
    y_ticks = tuple(Tick(y(value), f"{value}%") for value in (0, 25, 50, 75, 100))
    return TrendChart(width, height, left, top, plot_width, plot_height, lines,
                      y(england) if england is not None else None, england_label, x_ticks, y_ticks)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, name)


def stacked_columns(categories: list[str], stacks: dict[str, list[int]], colours: dict[str, str],
                    width: int = 640, height: int = 280) -> BarChart:
    """One column per category, its parts stacked in the order of ``stacks``."""
    left, top, right, bottom = 48, 16, 16, 48
    plot_width, plot_height = width - left - right, height - top - bottom
    totals = [sum(values[index] for values in stacks.values()) for index in range(len(categories))]
    highest = _nice_ceiling(max(totals, default=0))
    slot = plot_width / max(len(categories), 1)
    bars = []
    for index, category in enumerate(categories):
        base = 0
        for name, values in stacks.items():
            value = values[index]
            if value:
                bar_height = plot_height * value / highest
                bar_y = top + plot_height * (1 - (base + value) / highest)
                bars.append(Bar(round(left + slot * index + slot * 0.15, 1), round(bar_y, 1), round(slot * 0.7, 1),
                                round(bar_height, 1), colours[name], f"week {category}, {name}: {value}"))
            base += value
    x_ticks = tuple(Tick(round(left + slot * (index + 0.5), 1), category) for index, category in enumerate(categories))
    y_ticks = tuple(Tick(round(top + plot_height * (1 - step / 4), 1), str(round(highest * step / 4)))
                    for step in range(5))
    return BarChart(width, height, left, top, plot_width, plot_height, tuple(bars), x_ticks, y_ticks,
                    tuple((colours[name], name) for name in stacks))


@dataclass(frozen=True)
class HorizontalBar:
    label: str
    y: float
    width: float
    value_label: str


@dataclass(frozen=True)
class PercentBars:
    width: int
    height: int
    left: int
    plot_width: int
    bar_height: int
    bars: tuple[HorizontalBar, ...]
    reference_x: float  # the 100% line


def percent_bars(rows: list[tuple[str, float | None, str]], width: int = 640) -> PercentBars:
    """One horizontal bar per row: (label, percentage or None, text shown after the bar)."""
    left, right, bar_height, gap = 200, 140, 22, 12
    plot_width = width - left - right
    bars = tuple(
        HorizontalBar(label, 8 + index * (bar_height + gap), round(plot_width * (value or 0) / 100, 1), text)
        for index, (label, value, text) in enumerate(rows)
    )
    return PercentBars(width, 16 + len(rows) * (bar_height + gap), left, plot_width, bar_height, bars,
                       left + plot_width)


def _nice_ceiling(value: int) -> int:
    """The axis top: four equal steps of 1, 2, 2.5 or 5 times a power of ten (whole numbers), at or above ``value``."""
    scale = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * scale
            if step == int(step) and step * 4 >= value:
                return max(int(step * 4), 4)
        scale *= 10
