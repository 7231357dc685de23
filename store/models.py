"""Tables. Personal data about the child lives only in ``cases``.

``case_events`` is the record: append-only (the migration adds triggers that
refuse UPDATE and DELETE). ``cases.stage`` / ``next_due`` and
``advice_requests`` are projections of the events, rewritten in the same
transaction as each event so SQL can select cases without folding them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    received: Mapped[date] = mapped_column(Date)
    child_given_name: Mapped[str | None] = mapped_column(String(200))
    child_family_name: Mapped[str | None] = mapped_column(String(200))
    child_date_of_birth: Mapped[date | None] = mapped_column(Date)
    caseworker: Mapped[str | None] = mapped_column(String(120), index=True)
    team: Mapped[str | None] = mapped_column(String(120))
    setting: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stage: Mapped[str] = mapped_column(String(30), index=True)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)
    exceptions_apply: Mapped[bool] = mapped_column(default=False)

    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.sequence")


class CaseEvent(Base):
    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Contributor(Base):
    __tablename__ = "contributors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(30))
    team: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    escalation_email: Mapped[str | None] = mapped_column(String(254))


class AdviceRequest(Base):
    __tablename__ = "advice_requests"
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        Index("ix_advice_requests_pending_due", "received_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    agency: Mapped[str] = mapped_column(String(30))
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
