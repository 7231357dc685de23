"""`ehc timeline`: the calculator. Statutory dates for a request, storing nothing; quick to start."""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

import typer

from domain.casefile import AdviceRecord, CaseFile, ExceptionRecord
from domain.closures import SettingKind
from domain.events import Agency
from domain.rules import Limb
from ehc.cli.common import AsOfOption, JsonOption, as_of_day, emit, refusals
from ehc.parse import InputError, parse_case_date, parse_date, parse_optional_date


def timeline(
    received: str = typer.Option(..., "--received", help="Date the request was received."),
    advice_requested: list[str] = typer.Option(
        [], "--advice-requested", help="Repeatable: D, or D:KIND[:SETTING] for advice asked of a setting "
                                       "(KIND school, post16, early_years), checked against closures."),
    draft_served: Optional[str] = typer.Option(None, "--draft-served", help="Date the draft plan was served: adds "
                                               "the representations window (Reg 13(1)(a))."),
    exception: list[str] = typer.Option([], "--exception", help="Repeatable: LIMB:START[:END], e.g. 10(4)(c):2026-04-01"),
    as_of: Optional[str] = AsOfOption,
    json_output: bool = JsonOption,
) -> None:
    """Statutory dates for a request, without storing anything.

    Any dates may be given, future ones included; their order is checked as `ehc case record` checks it.
    With --as-of, what is dated after it is not yet known (a draft served later shows as not yet served).
    """
    with refusals(json_output):
        case = CaseFile(received=parse_case_date("--received", received),
                        draft_served=parse_optional_date("--draft-served", draft_served))
        _not_before_receipt("--draft-served", case.draft_served, case.received, "draft served")
        for index, text in enumerate(advice_requested, start=1):
            record = _advice_option(index, text)
            _not_before_receipt("--advice-requested", record.requested_on, case.received, "advice requested")
            case.advice[record.key] = record
        case.exceptions = [_exception_option(text) for text in exception]
        for record in case.exceptions:
            _not_before_receipt("--exception", record.start, case.received, f"exception {record.limb}")
        day = as_of_day(as_of)
        if as_of:
            case = _as_it_stood(case, day)
        from domain.timeline import build_timeline
        from ehc.bootstrap import bootstrap
        from ehc.case_views import timeline_json, timeline_text

        app_ = bootstrap()
        result = build_timeline(case, app_.calendar, day, app_.closures)
        emit(json_output, timeline_json(result), timeline_text(result))


def _not_before_receipt(option: str, day, received, what: str) -> None:
    if day is not None and day < received:
        raise InputError(f"{option}: {what} on {day} is before the request was received on {received}")


def _as_it_stood(case: CaseFile, as_of) -> CaseFile:
    """The case as known at the end of ``as_of``: what is dated after it has not happened yet."""
    return CaseFile(
        received=case.received,
        draft_served=case.draft_served if case.draft_served and case.draft_served <= as_of else None,
        advice={key: record for key, record in case.advice.items() if record.requested_on <= as_of},
        exceptions=[replace(record, end=record.end if record.end and record.end <= as_of else None)
                    for record in case.exceptions if record.start <= as_of],
    )


def _advice_option(index: int, text: str) -> AdviceRecord:
    day_text, _, rest = text.partition(":")
    kind_text, _, setting = rest.partition(":")
    day = parse_date("--advice-requested", day_text)
    if kind_text and kind_text not in tuple(SettingKind):
        raise InputError(f"--advice-requested: {kind_text!r} is not one of {', '.join(SettingKind)}")
    kind = SettingKind(kind_text) if kind_text else None
    agency = Agency.EDUCATION if kind else Agency.OTHER
    return AdviceRecord(f"request-{index}", agency, None, setting or None, kind, day)


def _exception_option(text: str) -> ExceptionRecord:
    limb_text, _, dates = text.partition(":")
    if limb_text not in tuple(Limb):
        raise InputError(f"--exception: {limb_text!r} is not one of {', '.join(Limb)}")
    start_text, _, end_text = dates.partition(":")
    if not start_text:
        raise InputError(f"--exception: {text!r} needs a start date, as LIMB:START[:END]")
    start = parse_date("--exception start", start_text)
    end = parse_optional_date("--exception end", end_text)
    if end and end < start:
        raise InputError(f"--exception: ends {end} before it starts {start}")
    return ExceptionRecord(Limb(limb_text), start, end)
