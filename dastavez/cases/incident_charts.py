"""The incident map and timeline as plain numbers for an SVG drawn by the page (no map tiles,
no script: the pages' CSP allows neither, and the unit's network may not reach a tile server)."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from typing import Any

WIDTH, HEIGHT, PAD = 640, 420, 28


def _radius(incident: dict[str, Any]) -> float:
    return round(min(16.0, 4.0 + math.sqrt(incident["killed"] + incident["injured"])), 1)


def incident_map(incidents: list[dict[str, Any]]) -> dict[str, Any]:
    """Points in an equirectangular projection of the incidents' own bounding box."""
    placed = [i for i in incidents if i["latitude"] is not None and i["longitude"] is not None]
    if not placed:
        return {"width": WIDTH, "height": HEIGHT, "points": [], "bounds": None, "unplaced": len(incidents)}
    lats = [i["latitude"] for i in placed]
    lons = [i["longitude"] for i in placed]
    south, north = min(lats) - 0.05, max(lats) + 0.05
    west, east = min(lons) - 0.05, max(lons) + 0.05
    # a degree of longitude is shorter than one of latitude away from the equator
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * squeeze, north - south
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    points = []
    for incident in sorted(placed, key=lambda i: -(i["killed"] + i["injured"])):  # small ones drawn on top
        points.append(
            {
                "id": incident["id"],
                "x": round(PAD + (incident["longitude"] - west) * squeeze * scale, 1),
                "y": round(HEIGHT - PAD - (incident["latitude"] - south) * scale, 1),
                "r": _radius(incident),
                "kind": incident["kind"],
                "label": f"{incident['id']}: {incident['kind']}, {incident['district']}, "
                f"{incident['occurred_at'][:10]} "
                f"({incident['killed']} killed, {incident['injured']} injured)",
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": points,
        "unplaced": len(incidents) - len(placed),
        "bounds": {
            "south": round(south, 3),
            "north": round(north, 3),
            "west": round(west, 3),
            "east": round(east, 3),
        },
    }


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def incident_timeline(incidents: list[dict[str, Any]]) -> dict[str, Any]:
    """Incidents per month, as bars, from the first month with one to the last."""
    if not incidents:
        return {"width": WIDTH, "height": 180, "bars": [], "max": 0}
    days = sorted(date.fromisoformat(i["occurred_at"][:10]) for i in incidents)
    counts = Counter(i["occurred_at"][:7] for i in incidents)
    killed: Counter[str] = Counter()
    for incident in incidents:
        killed[incident["occurred_at"][:7]] += incident["killed"]
    months = _months(days[0], days[-1])
    tallest = max(counts.values())
    height, base = 180, 150
    step = (WIDTH - 2 * PAD) / len(months)
    bars = []
    for index, month in enumerate(months):
        size = round((base - 10) * counts.get(month, 0) / tallest, 1)
        bars.append(
            {
                "month": month,
                "count": counts.get(month, 0),
                "killed": killed.get(month, 0),
                "x": round(PAD + index * step + step * 0.1, 1),
                "width": round(step * 0.8, 1),
                "y": round(base - size, 1),
                "height": size,
                "label_x": round(PAD + (index + 0.5) * step, 1),
                "show_label": len(months) <= 12 or index % math.ceil(len(months) / 12) == 0,
            }
        )
    return {"width": WIDTH, "height": height, "base": base, "bars": bars, "max": tallest}
