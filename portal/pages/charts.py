"""Bar charts drawn on the server as SVG geometry (no chart library, no CDN).

The template draws what this computes: one bar per year for the actual share
and a marker for the target, on a 0–100 % scale.
"""

from dataclasses import dataclass

WIDTH = 560
HEIGHT = 260
LEFT = 48
RIGHT = 16
TOP = 28  # room above a 100 % bar for its value label
BOTTOM = 40
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass
class Bar:
    label: str
    value: float | None
    target: float | None
    x: float
    width: float
    y: float
    height: float
    target_y: float | None
    met: bool | None

    @property
    def centre(self):
        return self.x + self.width / 2

    @property
    def value_y(self):
        # Above both the bar and the target marker, so the two never overlap.
        top = self.y if self.target_y is None else min(self.y, self.target_y)
        return round(top - 8, 1)

    @property
    def target_x1(self):
        return round(self.x - 8, 1)

    @property
    def target_x2(self):
        return round(self.x + self.width + 8, 1)


def _y(pct):
    return TOP + PLOT_HEIGHT * (1 - min(max(pct, 0), 100) / 100)


def bar_chart(points):
    """points: [(label, value % or None, target % or None)] → geometry for the template."""
    n = max(len(points), 1)
    slot = (WIDTH - LEFT - RIGHT) / n
    width = min(slot * 0.5, 64)
    bars = []
    for i, (label, value, target) in enumerate(points):
        x = LEFT + slot * i + (slot - width) / 2
        v = float(value) if value is not None else None
        t = float(target) if target is not None else None
        y = _y(v) if v is not None else TOP + PLOT_HEIGHT
        bars.append(Bar(label=str(label), value=v, target=t, x=round(x, 1), width=round(width, 1), y=round(y, 1),
                        height=round(TOP + PLOT_HEIGHT - y, 1), target_y=round(_y(t), 1) if t is not None else None,
                        met=None if v is None or t is None else v >= t))
    ticks = [{"label": f"{p}%", "y": round(_y(p), 1)} for p in (0, 25, 50, 75, 100)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + PLOT_HEIGHT,
            "label_y": HEIGHT - 14, "bars": bars, "ticks": ticks}
