"""``weekly-timeliness-report``: Monday morning's SEN2 timeliness report, saved under the state directory
and emailed (through the outbox) to the policy's weekly distribution list."""

from __future__ import annotations

from datetime import date

from prefect import flow

from ehc.services import messages, reporting
from ehc.clock import today_in_london
from flows._app import app


@flow(name="weekly-timeliness-report", flow_run_name="weekly-timeliness-report-{as_of}", persist_result=True)
def weekly_timeliness_report(as_of: date | None = None) -> dict:
    day = as_of or today_in_london()
    out_dir = app().settings.state_dir / "reports" / day.isoformat()
    files = reporting.weekly_report(app(), day, out_dir)
    # Keyed by the day and recipient: a re-run for the same day rewrites the files and queues nothing new.
    queued = messages.queue_weekly_report_email(app(), files, day)
    return {**files.model_dump(mode="json"), "emails_queued": queued}
