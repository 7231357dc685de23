"""National Curriculum year groups, academic years and phase transfers (Reg 18). Pure.

A year group is held in the academic year (1 September to 31 August) it was
recorded for; a year later the child is a year group on. A child whose next
transfer follows the academic year ending in August of year T transfers in
September of T, and the plan must be reviewed and amended before 15 February
of T (Reg 18(1)(b)), or before 31 March of T for secondary school to a post-16
institution (Reg 18(1)(a)). "Before 15 February" makes 14 February the last day.

Which year groups are transfers is an LA's choice (middle schools, infant and
junior schools): ``TransferPoint`` entries come from config (config/la.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.calendar import WorkingCalendar
from domain.review_rules import POST16_TRANSFER_MONTHS_BEFORE, add_months

YEAR_GROUPS: tuple[str, ...] = ("N1", "N2", "R", *(str(year) for year in range(1, 14)))

REG_18_1_A = "18(1)(a)"  # secondary school to a post-16 institution: before 31 March
REG_18_1_B = "18(1)(b)"  # any other transfer between phases: before 15 February
REG_18_2 = "18(2)"       # between post-16 institutions at another time: at least five months before

DEADLINE_BY_REGULATION: dict[str, tuple[int, int]] = {REG_18_1_A: (3, 31), REG_18_1_B: (2, 15)}


class UnknownYearGroup(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(f"{text!r} is not a year group: one of {', '.join(YEAR_GROUPS)}")


def parse_year_group(text: str) -> str:
    """``text`` as a year group ("n2" is N2, "Y6" and "06" are 6, "YR" and "Reception" are R); UnknownYearGroup
    otherwise."""
    cleaned = text.strip().upper()
    # ASCII digits only: "²" is a digit to str.isdigit but not to int(), and "６" is no one's year group
    if cleaned.startswith("Y") and cleaned[1:].isascii() and cleaned[1:].isdigit():
        cleaned = cleaned[1:]
    if cleaned.isascii() and cleaned.isdigit():
        cleaned = str(int(cleaned))
    if cleaned in ("RECEPTION", "YR"):  # "YR" is how many schools write reception
        cleaned = "R"
    if cleaned not in YEAR_GROUPS:
        raise UnknownYearGroup(text)
    return cleaned


def academic_year_of(day: date) -> int:
    """The academic year containing ``day``, by the calendar year it starts in (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def year_group_on(group: str, recorded_in: int, as_of: date) -> str | None:
    """The year group of a child who was in ``group`` in the academic year starting ``recorded_in``, in the
    academic year containing ``as_of``; None once past year 13 (or, earlier, before N1)."""
    index = YEAR_GROUPS.index(group) + academic_year_of(as_of) - recorded_in
    return YEAR_GROUPS[index] if 0 <= index < len(YEAR_GROUPS) else None


def year_group_for_birth_date(born: date, as_of: date) -> str | None:
    """The year group of a child born on ``born``, in the academic year containing ``as_of``: children born
    from 1 September to 31 August are one cohort, starting Reception in the September after they turn 4.
    None before N1 (under 3) and after year 13."""
    index = academic_year_of(as_of) - academic_year_of(born) - 3
    return YEAR_GROUPS[index] if 0 <= index < len(YEAR_GROUPS) else None


@dataclass(frozen=True)
class TransferPoint:
    """A transfer between phases: out of ``from_group`` at the end of its academic year, into ``to_group``."""

    name: str
    from_group: str
    to_group: str
    regulation: str = REG_18_1_B

    def __post_init__(self) -> None:
        for group in (self.from_group, self.to_group):
            if group not in YEAR_GROUPS:
                raise UnknownYearGroup(group)
        if YEAR_GROUPS.index(self.to_group) != YEAR_GROUPS.index(self.from_group) + 1:
            raise ValueError(f"transfer {self.name}: {self.to_group} does not follow {self.from_group}")
        if self.regulation not in DEADLINE_BY_REGULATION:
            raise ValueError(f"transfer {self.name}: regulation {self.regulation!r} is not one of "
                             f"{', '.join(DEADLINE_BY_REGULATION)}")


DEFAULT_TRANSFER_POINTS: tuple[TransferPoint, ...] = (
    TransferPoint("early_years_to_school", "N2", "R"),
    TransferPoint("primary_to_secondary", "6", "7"),
    TransferPoint("secondary_to_post16", "11", "12", REG_18_1_A),
)


@dataclass(frozen=True)
class PhaseTransfer:
    """A child's next transfer and the date its plan must be reviewed and amended by."""

    year_group: str
    transfer: str
    transfer_year: int
    amend_before: date | None   # None for a Reg 18(2) transfer: dated "at least five months before", no "before"
    last_day: date
    last_working_day: date
    regulation: str

    def as_dict(self) -> dict:
        return {"year_group": self.year_group, "transfer": self.transfer, "transfer_year": self.transfer_year,
                "amend_before": self.amend_before.isoformat() if self.amend_before else None,
                "last_day": self.last_day.isoformat(), "last_working_day": self.last_working_day.isoformat(),
                "regulation": self.regulation}


def next_transfer(group: str, as_of: date, points: tuple[TransferPoint, ...],
                  calendar: WorkingCalendar) -> PhaseTransfer | None:
    """The next transfer of a child in ``group`` in the academic year containing ``as_of``, this year's
    included (its deadline may have passed); None when no transfer point lies ahead."""
    index = YEAR_GROUPS.index(group)
    ahead = [point for point in points if YEAR_GROUPS.index(point.from_group) >= index]
    if not ahead:
        return None
    point = min(ahead, key=lambda point: YEAR_GROUPS.index(point.from_group))
    transfer_year = academic_year_of(as_of) + 1 + YEAR_GROUPS.index(point.from_group) - index
    month, day = DEADLINE_BY_REGULATION[point.regulation]
    amend_before = date(transfer_year, month, day)
    last_day = amend_before - timedelta(days=1)
    return PhaseTransfer(group, point.name, transfer_year, amend_before, last_day,
                         calendar.last_working_day_on_or_before(last_day), point.regulation)


def post16_transfer(group: str, planned: date, calendar: WorkingCalendar) -> PhaseTransfer:
    """A move between post-16 institutions on ``planned``, outside the year-group transfers: reviewed and
    amended at least five months before it (Reg 18(2))."""
    last_day = add_months(planned, -POST16_TRANSFER_MONTHS_BEFORE)
    return PhaseTransfer(group, "post16_to_post16", planned.year, None, last_day,
                         calendar.last_working_day_on_or_before(last_day), REG_18_2)
