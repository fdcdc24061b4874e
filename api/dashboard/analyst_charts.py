"""Presentation only: the analyst workspace's charts as SVG geometry for the template (drawn
server-side: no script, nothing but presentation attributes, so the strict CSP holds). A
suppressed count (None) draws no bar and reads "fewer than 5"; each chart's table beside it
is its text alternative."""

from __future__ import annotations

import math

SUPPRESSED = "fewer than 5"
LABEL_CHARS = 32
MONTH_LABEL_WIDTH = 64  # "2025-06" at the chart's font size, with a gap


def _value_text(count: int | None) -> str:
    return SUPPRESSED if count is None else str(count)


def _scale(groups: list[dict]) -> int:
    return max([g["alerts"] or 0 for g in groups] + [5])


def trend(groups: list[dict], *, width: int = 640, height: int = 260) -> dict:
    """Alerts per month as columns, months along the bottom."""
    left, top, bottom = 40, 20, 40
    plot_height = height - top - bottom
    step = min((width - left - 10) / max(len(groups), 1), 90)  # a few months stay slim columns
    top_value = _scale(groups)
    columns = []
    for i, group in enumerate(groups):
        count = group["alerts"] or 0
        bar = plot_height * count / top_value
        x = left + i * step
        columns.append({"x": round(x + step * 0.15, 1), "width": round(step * 0.7, 1),
                        "y": round(top + plot_height - bar, 1), "height": round(bar, 1),
                        "label": group["group"], "label_x": round(x + step / 2, 1),
                        "value": _value_text(group["alerts"]), "value_y": round(top + plot_height - bar - 4, 1),
                        "suppressed": group["alerts"] is None})
    return {"width": width, "height": height, "columns": columns, "axis_y": top + plot_height, "left": left,
            "label_y": height - bottom + 16, "top_value": top_value, "top": top,
            "label_every": max(1, math.ceil(MONTH_LABEL_WIDTH / step))}


def breakdown(groups: list[dict], *, width: int = 600, bar_height: int = 24) -> dict:
    """One horizontal bar per group, its name on the left."""
    left, gap, top = 250, 8, 10
    plot_width = width - left - 110
    top_value = _scale(groups)
    bars = []
    for i, group in enumerate(groups):
        count = group["alerts"] or 0
        name = group["group"]
        bars.append({"y": top + i * (bar_height + gap), "height": bar_height,
                     "width": round(plot_width * count / top_value, 1), "name": name,
                     "short_name": name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…",
                     "value": _value_text(group["alerts"]), "suppressed": group["alerts"] is None})
    for bar in bars:
        bar["value_x"] = left + bar["width"] + 6
        bar["text_y"] = bar["y"] + bar_height * 0.7
    return {"width": width, "height": top * 2 + len(groups) * (bar_height + gap), "bars": bars, "left": left}
