"""When a queued message may go out: on a working day, outside the policy's quiet hours. Pure: no clock.

The moments are passed in (aware datetimes); the policy's ``[delivery]``
section (domain.reminders.policy.Delivery) says the time zone, the quiet
hours and the retry back-off; the working calendar says which days count.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.calendar import WorkingCalendar
from domain.reminders.policy import Delivery


def is_sending_time(moment: datetime, delivery: Delivery, calendar: WorkingCalendar) -> bool:
    """A working day in the LA's time zone, outside quiet hours."""
    local = moment.astimezone(delivery.zone)
    quiet = delivery.quiet_hours
    return calendar.is_working_day(local.date()) and quiet.end <= local.time().replace(tzinfo=None) < quiet.start


def next_sending_time(moment: datetime, delivery: Delivery, calendar: WorkingCalendar) -> datetime:
    """``moment`` when it is a sending time, else when quiet hours next end on a working day (aware, UTC-safe)."""
    if is_sending_time(moment, delivery, calendar):
        return moment
    local = moment.astimezone(delivery.zone)
    day = local.date()
    if not (calendar.is_working_day(day) and local.time().replace(tzinfo=None) < delivery.quiet_hours.end):
        day = calendar.shift_working_days(day, 1)
    return opening_time(day, delivery)


def opening_time(day: date, delivery: Delivery) -> datetime:
    """When quiet hours end on ``day``, in the LA's zone (the offset is that day's, GMT or BST)."""
    return datetime.combine(day, delivery.quiet_hours.end, tzinfo=delivery.zone)


def retry_time(failed_at: datetime, attempts: int, delivery: Delivery, calendar: WorkingCalendar) -> datetime:
    """When to try again after the ``attempts``-th failure: the backoff, then the next sending time."""
    waited = failed_at + timedelta(minutes=delivery.backoff_minutes(attempts))
    return next_sending_time(waited, delivery, calendar)
