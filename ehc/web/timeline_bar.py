"""Where each date sits on a case page's 20-week bar: a day from receipt, 0 to 140, drawn by CSS classes.

The dates themselves come from the case's timeline (the domain's): this only places them. The bar is drawn
for sighted readers (``aria-hidden``); the page lists the same dates, keyed by the same numbers, in tables.
Each place is a class (``ehc-at-N`` in static/timeline.css), because the Content-Security-Policy allows no
inline style.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.timeline import Deadline, Status, Timeline

SPAN_DAYS = 20 * 7
CLOSE_DAYS = 8  # markers nearer than this to the one before go on the next lane, so their numbers do not overlap
LANES = 3


@dataclass(frozen=True)
class Marker:
    key: str  # the number shown on the bar and in the table beside the same date
    label: str
    on: date
    position: int  # days from receipt, within 0..SPAN_DAYS
    lane: int
    beyond: bool  # after week 20: drawn at the bar's end
    status: str | None = None


@dataclass(frozen=True)
class Bar:
    deadlines: list[tuple[Marker, Deadline]]  # each statutory date with its number, for the table
    due_marks: list[Marker]  # what the bar draws: dates falling on one day share one mark ("2-5")
    event_marks: list[Marker]
    today: int
    weeks: list[tuple[int, int]]  # (week number, position) of each week's start


def timeline_bar(timeline: Timeline, events: list[dict]) -> Bar:
    """``events``: the audit trail (ehc.case_views.audit_trail), each placed at its date."""
    deadlines = [d for d in (*timeline.deadlines.values(), *timeline.advice) if d.status is not Status.NOT_REQUIRED]
    deadlines.sort(key=lambda d: (d.statutory, d.title))
    due_markers = _placed([(str(n), _deadline_label(d), d.statutory, d.status.value)
                          for n, d in enumerate(deadlines, start=1)], timeline.received)
    dated = sorted(events, key=lambda e: (e["date"], e["sequence"]))
    event_markers = _placed([(f"E{e['sequence']}", e["type"], date.fromisoformat(e["date"]), None) for e in dated],
                           timeline.received)
    return Bar(deadlines=list(zip(due_markers, deadlines)),
               due_marks=_one_a_day(due_markers), event_marks=_one_a_day(event_markers),
               today=_position(timeline.received, timeline.as_of)[0],
               weeks=[(week, week * 7) for week in range(0, 21)])


def _deadline_label(deadline: Deadline) -> str:
    agency = getattr(deadline, "agency", None)
    return f"{deadline.title} ({agency.replace('_', ' ')})" if agency else deadline.title


def _position(received: date, on: date) -> tuple[int, bool]:
    days = (on - received).days
    return max(0, min(days, SPAN_DAYS)), days > SPAN_DAYS


def _one_a_day(markers: list[Marker]) -> list[Marker]:
    """Markers on one day as one, keyed "first-last" (markers come in date order), laned afresh."""
    days: dict[int, list[Marker]] = {}
    for marker in markers:
        days.setdefault(marker.position, []).append(marker)
    merged = []
    for same_day in days.values():
        first, last = same_day[0], same_day[-1]
        key = first.key if first is last else f"{first.key}-{last.key.lstrip('E')}"
        merged.append(Marker(key, first.label, first.on, first.position, 0, first.beyond, _worst(same_day)))
    return _relaned(merged)


def _worst(markers: list[Marker]) -> str | None:
    """The status a mark shows for several dates: an overdue one first, then one open."""
    statuses = [marker.status for marker in markers]
    return next((status for status in (Status.OVERDUE.value, Status.OPEN.value) if status in statuses), statuses[0])


def _relaned(markers: list[Marker]) -> list[Marker]:
    laned: list[Marker] = []
    for marker in markers:
        lane = (laned[-1].lane + 1) % LANES if laned and marker.position - laned[-1].position < CLOSE_DAYS else 0
        laned.append(Marker(marker.key, marker.label, marker.on, marker.position, lane, marker.beyond, marker.status))
    return laned


def _placed(items: list[tuple[str, str, date, str | None]], received: date) -> list[Marker]:
    markers = []
    for key, label, on, status in items:
        position, beyond = _position(received, on)
        markers.append(Marker(key, label, on, position, 0, beyond, status))
    return markers
