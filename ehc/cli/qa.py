"""`ehc qa ...`: plan quality review against the LA's rubric, automatic and by reviewers.

`ehc qa score FILE` only reads: it scores a plan file and stores nothing
(with `--case REF`, section K is cross-checked with that case's advice).
`ehc qa attach` stores a plan for a case and, unless `--no-review`, runs and
stores the automatic review and, below Good, queues the caseworker's alert,
as the `quality-review` flow does on draft and final events. `ehc qa review` records a reviewer's score; `ehc qa list` and
`ehc qa show` read back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from ehc.cli.common import JsonOption, ReferenceArgument, as_of_day, emit, refusals
from ehc.parse import parse_date, parse_reference

if TYPE_CHECKING:
    from domain.quality.grading import QualityReport

qa_app = typer.Typer(help="Plan quality review: score EHC plans against the LA's rubric.", no_args_is_help=True)

AsOfOption = typer.Option(None, "--as-of", help="Date of the review (YYYY-MM-DD); default today, Europe/London.")


def _report_json(report: QualityReport) -> dict:
    return {
        "rubric": report.rubric, "grade": report.grade.value, "uncapped_grade": report.uncapped_grade.value,
        "weighted_score": report.weighted_score, "below_good": report.grade.below_good,
        "cap_reasons": list(report.cap_reasons), "ceiling_reason": report.ceiling_reason,
        "criteria": [{"id": r.criterion, "title": r.title, "weight": r.weight, "score": r.score,
                      "findings": [f.model_dump(mode="json") for f in r.findings]} for r in report.criteria],
        "failings": len(report.failings),
    }


def _finding_line(finding: dict) -> str:
    mark = "ok " if finding["ok"] else "-- "
    where = f"[{finding['section']}] " if finding.get("section") else ""
    parts = [f"    {mark}{where}{finding['message']}"]
    if finding.get("quote"):
        parts.append(f"        found: \"{finding['quote']}\"")
    if finding.get("looked_for") and not finding["ok"]:
        parts.append(f"        looked for: {finding['looked_for']}")
    return "\n".join(parts)


def _hard_rule(reasons: list[str], uncapped: str, grade: str) -> str:
    changed = f" (it would otherwise be {uncapped})" if uncapped != grade else ""
    return f"never Good or better while: {'; '.join(reasons)}{changed}"


def _ceiling(uncapped: str, grade: str, reasons: list[str]) -> str:
    """The line saying why an automatic grade is Good although its score is Outstanding; '' when it is not."""
    from domain.quality.grading import automatic_ceiling
    from domain.quality.rubric import Grade

    reason = automatic_ceiling(Grade(uncapped), Grade(grade), reasons)
    return f"never Outstanding without a reviewer: {reason} (it would otherwise be {uncapped})" if reason else ""


def _report_text(data: dict, failings_only: bool) -> str:
    lines = [f"grade: {data['grade']} (weighted score {data['weighted_score']:.2f} of 4; rubric {data['rubric']})"]
    if data["cap_reasons"]:
        lines.append(_hard_rule(data["cap_reasons"], data["uncapped_grade"], data["grade"]))
    if ceiling := _ceiling(data["uncapped_grade"], data["grade"], data["cap_reasons"]):
        lines.append(ceiling)
    for criterion in data["criteria"]:
        score = "-" if criterion["score"] is None else f"{criterion['score']}/4"
        lines.append(f"  {criterion['id']:<16} {score:>4}  x{criterion['weight']:g}  {criterion['title']}")
        lines += [_finding_line(f) for f in criterion["findings"] if not (failings_only and f["ok"])]
    return "\n".join(lines)


@qa_app.command("score")
def qa_score(
    file: Path = typer.Argument(..., help="The plan: .json or .docx."),
    case: Optional[str] = typer.Option(None, "--case", help="Cross-check section K with this case's advice (read only)."),
    as_of: Optional[str] = AsOfOption,
    failings_only: bool = typer.Option(False, "--failings", help="Text output: show only what failed."),
    json_output: bool = JsonOption,
) -> None:
    """Score a plan file against the rubric. Stores nothing."""
    from ehc.services.plan_quality import score_plan_file

    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        case = parse_reference("--case", case) if case is not None else None
        report = score_plan_file(bootstrap(), file, case, as_of_day(as_of))
        data = _report_json(report)
        emit(json_output, {"case_ref": case, **data}, _report_text(data, failings_only))


@qa_app.command("attach")
def qa_attach(
    reference: str = typer.Argument(..., help="The case reference."),
    file: Path = typer.Argument(..., help="The plan: .json or .docx."),
    stage: str = typer.Option(..., "--stage", help="draft or final."),
    received: Optional[str] = typer.Option(None, "--received", help="When the LA had this version (default today)."),
    review: bool = typer.Option(True, "--review/--no-review", help="Run and store the automatic review too."),
    json_output: bool = JsonOption,
) -> None:
    """Store a draft or final plan for a case, then its automatic review; below Good, the caseworker is alerted."""
    from ehc.services.messages import queue_quality_alert
    from ehc.services.plan_quality import attach_plan, automatic_review

    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        reference = parse_reference("REFERENCE", reference)
        app_ = bootstrap()
        received_on = parse_date("--received", received) if received else as_of_day(None)
        document_id = attach_plan(app_, reference, stage, file, received_on)
        data: dict = {"case_ref": reference, "document_id": document_id, "stage": stage,
                      "received_on": received_on.isoformat()}
        text = f"{reference}: {stage} plan stored as document {document_id}"
        if review:
            summary = automatic_review(app_, reference, received_on)
            data["review"] = summary.model_dump(mode="json")
            # The alert the quality-review flow queues, on the review's day (one per review, whichever runs first).
            data["alert_queued"] = queue_quality_alert(app_, summary, received_on) if summary.below_good else 0
            text += (f"; automatic grade {summary.grade.value} ({summary.weighted_score:.2f}), "
                     f"{summary.failings} failing(s)" + (
                         f"\n{_hard_rule(list(summary.cap_reasons), summary.uncapped_grade.value, summary.grade.value)}"
                         if summary.capped else "") + (
                         f"\n{ceiling}" if (ceiling := _ceiling(summary.uncapped_grade.value, summary.grade.value,
                                                                list(summary.cap_reasons))) else ""))
            if summary.below_good:
                text += ("\ncaseworker alert queued" if data["alert_queued"]
                         else "\ncaseworker alert: already queued, or not needed")
        emit(json_output, data, text)


@qa_app.command("review")
def qa_review(
    reference: str = typer.Argument(..., help="The case reference: its latest plan is reviewed."),
    criterion: str = typer.Option(..., "--criterion", help="A criterion id from the rubric (`ehc qa rubric`)."),
    score: int = typer.Option(..., "--score", help="1 (inadequate) to 4 (outstanding)."),
    comment: str = typer.Option(..., "--comment", help="The reviewer's comment on the criterion."),
    reviewer: str = typer.Option(..., "--reviewer", help="The reviewer's name."),
    json_output: bool = JsonOption,
) -> None:
    """Record a reviewer's score and comment on one criterion; 2+ points from another reviewer goes to moderation."""
    from ehc.services.plan_quality import record_review

    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        reference = parse_reference("REFERENCE", reference)
        outcome = record_review(bootstrap(), reference, criterion, score, comment, reviewer)
        text = (f"{reference}: {outcome.reviewer} scored {criterion} {score}/4; grade {outcome.grade.value} "
                f"({outcome.weighted_score:.2f})")
        if outcome.open_moderation:
            text += f"; moderation needed on {', '.join(outcome.open_moderation)}"
        emit(json_output, outcome.model_dump(mode="json"), text)


@qa_app.command("list")
def qa_list(json_output: bool = JsonOption) -> None:
    """Every case's latest plan with its automatic and current grade, and criteria awaiting moderation."""
    from ehc.services.plan_quality import quality_overview

    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        rows = quality_overview(bootstrap())
        lines = [f"{len(rows)} plan(s); {sum(bool(r['moderation']) for r in rows)} awaiting moderation",
                 f"  {'case':<16} {'stage':<6} {'received':<11} {'automatic':<28} {'current':<28} {'by':<10} "
                 f"{'rev':>3} moderation"]
        for r in rows:
            automatic = f"{r['automatic_grade']} ({r['automatic_score']:.2f})" if r["automatic_grade"] else "-"
            current = f"{r['grade']} ({r['weighted_score']:.2f})" if r["grade"] else "-"
            lines.append(f"  {r['case_ref']:<16} {r['stage']:<6} {r['received_on']:<11} {automatic:<28} "
                         f"{current:<28} {r['grade_source'] or '-':<10} {r['reviewers']:>3} "
                         f"{', '.join(r['moderation']) or '-'}")
        emit(json_output, {"count": len(rows), "plans": rows}, "\n".join(lines))


@qa_app.command("show")
def qa_show(reference: str = ReferenceArgument,
            failings_only: bool = typer.Option(False, "--failings", help="Text output: show only what failed."),
            json_output: bool = JsonOption) -> None:
    """The stored automatic review of the case's latest plan (findings), reviewers' scores and grade history."""
    from ehc.services.plan_quality import latest_report

    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        reference = parse_reference("REFERENCE", reference)
        data = latest_report(bootstrap(), reference)
        lines = [f"{reference}: {data['stage']} plan, document {data['document_id']}, received {data['received_on']}"]
        automatic = data["automatic"]
        if automatic:
            lines.append(f"automatic: {automatic['grade']} ({automatic['weighted_score']:.2f})")
            if automatic["cap_reasons"]:
                lines.append(_hard_rule(automatic["cap_reasons"], automatic["uncapped_grade"], automatic["grade"]))
            if ceiling := _ceiling(automatic["uncapped_grade"], automatic["grade"], automatic["cap_reasons"]):
                lines.append(ceiling)
            lines += [_finding_line(f) for f in automatic["findings"] if not (failings_only and f["ok"])]
        else:
            lines.append("automatic: not yet reviewed under this rubric")
        for criterion, by_reviewer in sorted(data["reviewer_scores"].items()):
            lines.append(f"reviewers on {criterion}: " + ", ".join(f"{r} {s}/4" for r, s in sorted(by_reviewer.items())))
        lines.append("grade history:")
        lines += [f"  {h['recorded_at']} {h['grade']} ({h['weighted_score']:.2f}) by {h['source']} ({h['recorded_by']})"
                  for h in data["grade_history"]]
        emit(json_output, data, "\n".join(lines))


@qa_app.command("rubric")
def qa_rubric(json_output: bool = JsonOption) -> None:
    """The rubric in use (EHC_QUALITY_RUBRIC): criteria, weights and grade thresholds."""
    with refusals(json_output):
        from ehc.bootstrap import bootstrap

        rubric = bootstrap().rubric
        t = rubric.thresholds
        lines = [f"{rubric.name} (version {rubric.version}, key {rubric.key})",
                 f"Outstanding >= {t.outstanding}, Good >= {t.good}, Requires improvement >= "
                 f"{t.requires_improvement}, else Inadequate"]
        lines += [f"  {c.id:<16} x{c.weight:g}  [{', '.join(c.sections)}] {c.title}"
                  + ("" if c.check else " (reviewers only)") for c in rubric.criteria]
        emit(json_output, rubric.model_dump(mode="json"), "\n".join(lines))
