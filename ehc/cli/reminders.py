"""`ehc reminders preview|watch` and `ehc outbox [dispatch|retry]`: reminders, escalations and their sending."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer

from ehc.cli.common import AsOfOption, JsonOption, as_of_day, emit, refusals
from ehc.clock import now_utc
from domain.reminders.messages import OutboxStatus
from ehc.parse import InputError, parse_reference


reminders_app = typer.Typer(help="Contributor reminders, escalations and stage alerts.", no_args_is_help=True)
outbox_app = typer.Typer(help="Messages queued to send: list them, send the due ones, retry failed ones.",
                         invoke_without_command=True)


# -- reminders -----------------------------------------------------------------------------------

@reminders_app.command("preview")
def reminders_preview(as_of: Optional[str] = AsOfOption, json_output: bool = JsonOption) -> None:
    """What would be sent on that day, to whom and why. Writes nothing."""
    from ehc.bootstrap import bootstrap
    from ehc.services.messages import preview_reminders

    with refusals(json_output):
        day = as_of_day(as_of)
        found = preview_reminders(bootstrap(), day)
        rows = [item.model_dump(mode="json") for item in found]
        lines = [f"{len(rows)} message(s) due on {day:%a} {day}"]
        for item in found:
            queued = " [already queued]" if item.already_queued else ""
            to = item.to_address or ("webhook" if item.channel == "webhook" else "no address: will be skipped")
            lines.append(f"  {item.case_reference or '-':<14} {item.purpose:<44} -> {item.recipient} <{to}>{queued}\n"
                         f"  {'':<14} why: {item.reason}")
        emit(json_output, {"as_of": day.isoformat(), "count": len(rows), "messages": rows}, "\n".join(lines))


@reminders_app.command("watch")
def reminders_watch(as_of: Optional[str] = AsOfOption, json_output: bool = JsonOption) -> None:
    """Queue the day's reminders, escalations and alerts, about open cases and plans in force, in the outbox (safe
    to re-run)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.messages import deadline_watch

    with refusals(json_output):
        day = as_of_day(as_of)
        summary = deadline_watch(bootstrap(), day)
        emit(json_output, summary.model_dump(mode="json"),
                  f"{day}: checked {summary.cases_checked} open case(s) and {summary.plans_checked} plan(s) in "
                  f"force; queued {summary.messages_queued} "
                  f"message(s); {summary.already_queued} were already queued")


# -- outbox --------------------------------------------------------------------------------------

@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, "--status", help="Only these: " + ", ".join(OutboxStatus)),
    case: Optional[str] = typer.Option(None, "--case", help="Only the messages about this case or plan in force (its reference)."),
    json_output: bool = JsonOption,
) -> None:
    """The outbox, earliest next attempt first: what each message is for, why it was queued, and the error of
    any failed attempt."""
    if ctx.invoked_subcommand is not None:
        return
    with refusals(json_output):
        if status is not None and status not in tuple(OutboxStatus):
            raise InputError(f"--status: {status!r} is not one of {', '.join(OutboxStatus)}")
        reference = parse_reference("--case", case) if case is not None else None
        from ehc.bootstrap import bootstrap
        from ehc.services.messages import list_outbox

        listing = list_outbox(bootstrap(), OutboxStatus(status) if status else None, reference)
        items = [{"key": m.key, "case_reference": m.case_reference, "purpose": m.purpose, "kind": m.kind,
                  "recipient": m.recipient, "channel": m.channel, "to_address": m.to_address,
                  "due_on": m.due_on.isoformat(), "send_on": m.send_on.isoformat(), "reason": m.reason,
                  "status": m.status, "attempts": m.attempts, "last_error": m.last_error,
                  "next_attempt_at": m.next_attempt_at.isoformat(), "message_id": m.message_id,
                  "sent_at": m.sent_at.isoformat() if m.sent_at else None} for m in listing.messages]
        lines = ["outbox: " + ", ".join(f"{count} {name}" for name, count in listing.counts.items())]
        for item in items:
            error = f"\n      last error: {item['last_error']}" if item["last_error"] else ""
            lines.append(f"  {item['status']:<8} {item['attempts']:>2} tries  next {item['next_attempt_at'][:16]}  "
                         f"{item['key']}\n      {item['kind']}: {item['purpose']}; due {item['due_on']}, "
                         f"to send on {item['send_on']}\n      why: {item['reason']}{error}")
        emit(json_output, {"counts": listing.counts, "messages": items}, "\n".join(lines))


@outbox_app.command("dispatch")
def outbox_dispatch(
    now: Optional[str] = typer.Option(None, "--now", help="Act as if it were this moment (ISO 8601 with offset); "
                                                           "default the clock."),
    json_output: bool = JsonOption,
) -> None:
    """Send the due messages (not in quiet hours, at weekends or on bank holidays)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.messages import dispatch_outbox

    with refusals(json_output):
        moment = _moment(now) if now else now_utc()
        summary = dispatch_outbox(bootstrap(), moment)
        waiting = "" if summary.sending_time else " (not a sending time: quiet hours, weekend or bank holiday)"
        emit(json_output, summary.model_dump(mode="json"),
                  f"sent {summary.sent}, failed {summary.failed}, skipped {summary.skipped}, "
                  f"still queued {summary.still_queued}{waiting}")


@outbox_app.command("retry")
def outbox_retry(key: Optional[str] = typer.Option(None, "--key", help="One message; default every failed one."),
                 json_output: bool = JsonOption) -> None:
    """Queue failed messages again (after fixing the address or the server)."""
    from ehc.bootstrap import bootstrap
    from ehc.services.messages import requeue_failed

    with refusals(json_output):
        count = requeue_failed(bootstrap(), key)
        if key is not None and count == 0:
            raise InputError(f"--key: no failed message with key {key!r}")
        emit(json_output, {"requeued": count}, f"queued {count} failed message(s) again")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise InputError(f"--now: {text!r} is not an ISO 8601 date-time") from error
    if moment.tzinfo is None:
        raise InputError(f"--now: {text!r} needs a UTC offset, e.g. 2026-05-12T09:00+01:00")
    return moment
