"""Local accounts and browser sessions of the web app (tables ``users`` and ``web_sessions``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.models import User, WebSession, as_utc


class DuplicateUsername(ValueError):
    pass


class UserNotFound(LookupError):
    pass


@dataclass(frozen=True)
class UserRecord:
    username: str
    display_name: str | None
    role: str
    team: str | None
    password_hash: str
    disabled: bool
    created_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    id: str  # the SHA-256 of the cookie's token
    username: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


class UserStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, username: str, display_name: str | None, role: str, team: str | None, password_hash: str,
            created_at: datetime) -> UserRecord:
        row = User(username=username, display_name=display_name, role=role, team=team,
                   password_hash=password_hash, disabled=False, created_at=created_at)
        try:
            with self._session.begin_nested():
                self._session.add(row)
                self._session.flush()
        except IntegrityError as error:
            raise DuplicateUsername(f"a user {username!r} already exists") from error
        return _user(row)

    def find(self, username: str) -> UserRecord | None:
        row = self._session.scalar(select(User).where(User.username == username))
        return _user(row) if row else None

    def get(self, username: str) -> UserRecord:
        found = self.find(username)
        if found is None:
            raise UserNotFound(f"no user {username!r}")
        return found

    def all(self) -> list[UserRecord]:
        return [_user(row) for row in self._session.scalars(select(User).order_by(User.username))]

    def disable(self, username: str) -> UserRecord:
        self.get(username)
        self._session.execute(update(User).where(User.username == username).values(disabled=True))
        return self.get(username)

    # -- sessions ----------------------------------------------------------------------------------

    def start_session(self, session_id: str, username: str, csrf_token: str, at: datetime) -> SessionRecord:
        row = WebSession(id=session_id, username=username, csrf_token=csrf_token, created_at=at, last_seen_at=at,
                         ended_at=None)
        self._session.add(row)
        self._session.flush()
        return _web_session(row)

    def session(self, session_id: str) -> SessionRecord | None:
        row = self._session.get(WebSession, session_id)
        return _web_session(row) if row else None

    def touch_session(self, session_id: str, at: datetime) -> None:
        self._session.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=at))

    def end_session(self, session_id: str, at: datetime) -> None:
        self._session.execute(update(WebSession).where(WebSession.id == session_id, WebSession.ended_at.is_(None))
                              .values(ended_at=at))

    def end_sessions_of(self, username: str, at: datetime) -> None:
        self._session.execute(update(WebSession).where(WebSession.username == username,
                                                       WebSession.ended_at.is_(None)).values(ended_at=at))


def _user(row: User) -> UserRecord:
    return UserRecord(username=row.username, display_name=row.display_name, role=row.role, team=row.team,
                      password_hash=row.password_hash, disabled=row.disabled, created_at=as_utc(row.created_at))


def _web_session(row: WebSession) -> SessionRecord:
    return SessionRecord(id=row.id, username=row.username, csrf_token=row.csrf_token,
                         created_at=as_utc(row.created_at), last_seen_at=as_utc(row.last_seen_at),
                         ended_at=as_utc(row.ended_at) if row.ended_at else None)
