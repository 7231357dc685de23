"""``deadline-watch``: each working morning, queue the reminders, escalations and alerts due today.

About the open requests and the plans in force (their reviews, phase transfers
and, on a term's notice days, the schools' termly notices): one task for the
whole caseload, batched in SQL and pure Python (a task per case would cost
~15 ms each in Prefect alone). Its result is counts only.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, task

from ehc.services import messages
from ehc.clock import today_in_london
from flows._app import app


@task(name="queue-due-messages")
def queue_due_messages(as_of: date) -> dict:
    return messages.deadline_watch(app(), as_of).model_dump()


@flow(name="deadline-watch", flow_run_name="deadline-watch-{as_of}", persist_result=True)
def deadline_watch(as_of: date | None = None) -> dict:
    day = as_of or today_in_london()
    if not app().calendar.is_working_day(day):
        return {"as_of": day.isoformat(), "skipped": "not a working day in England"}
    return {"as_of": day.isoformat(), **queue_due_messages(day)}
