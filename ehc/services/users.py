"""The web app's local accounts and sessions: add, list and disable accounts; sign in, resume, sign out.

Passwords are kept only as argon2 hashes (``App.password_hasher``). Failed sign-ins are counted from the
audit log, per username typed and per client address, over a sliding window from settings; past either
limit a sign-in is refused without checking the password. Every refusal is an audit entry, never with the
password or a token. A session is a random token in the browser's cookie; the store keeps only its
SHA-256, so a copy of the table signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from domain.input_rules import control_character_problem
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from ehc.services.access import Role, Viewer
from store.users import DuplicateUsername, UserNotFound, UserRecord

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")
NAME_MAX = 120  # the users table's columns, as a case's caseworker and team
PASSWORD_MIN = 12  # length, not composition rules: NCSC password guidance
PASSWORD_MAX = 1024  # argon2 takes any length; a bound keeps a megabyte "password" from being hashed
# A session is seen again at most once a minute in the store, so pages do not write on every request.
TOUCH_EVERY = timedelta(minutes=1)


class SignInRefused(Exception):
    """Why a sign-in failed, in words safe to show: never which of the username or password was wrong."""

    def __init__(self, message: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


WRONG_CREDENTIALS = "Enter a correct username and password"


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, the token for the cookie (only at sign-in), and the CSRF token of its forms."""

    viewer: Viewer
    session_id: str
    csrf_token: str
    token: str | None = None


# -- accounts ------------------------------------------------------------------------------------


def add_user(app: App, username: str, role: str, password: str, *, team: str | None = None,
             display_name: str | None = None) -> UserRecord:
    role_value = _checked_account(username, role, password, team, display_name)
    password_hash = app.password_hasher.hash(password)
    with app.unit_of_work() as work:
        try:
            return work.users.add(username, display_name or None, role_value.value, team or None, password_hash,
                                  app.clock.now())
        except DuplicateUsername as error:
            raise FieldProblems.one("username", f"{username!r} is taken: usernames are unique") from error


def list_users(app: App) -> list[dict]:
    with app.unit_of_work() as work:
        return [account_json(user) for user in work.users.all()]


def disable_user(app: App, username: str) -> UserRecord:
    """Disabled for good (accounts are never deleted: the audit log names them), and signed out everywhere."""
    with app.unit_of_work() as work:
        try:
            user = work.users.disable(username)
        except UserNotFound as error:
            raise FieldProblems.one("username", f"no user {username!r}") from error
        work.users.end_sessions_of(username, app.clock.now())
        return user


def account_json(user: UserRecord) -> dict:
    """An account as `ehc users list --json` prints it: never the hash."""
    return {"username": user.username, "name": user.display_name, "role": user.role, "team": user.team,
            "disabled": user.disabled, "created_at": user.created_at.isoformat()}


def _checked_account(username: str, role: str, password: str, team: str | None,
                     display_name: str | None) -> Role:
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(("username", f"{username!r} is not a username: 1 to 120 letters, digits and . _ @ -, "
                                     "starting with a letter or digit"))
    if role not in tuple(Role):
        problems.append(("role", f"{role!r} is not one of {', '.join(Role)}"))
    elif role == Role.ADMIN and team:
        problems.append(("team", "an admin has no team: admins manage accounts and see no case data"))
    elif role != Role.ADMIN and not team:
        problems.append(("team", f"a {role} needs a team: it decides which cases they see"))
    for field, text in (("team", team), ("name", display_name)):
        if text:
            problem = control_character_problem(text) or (
                f"{len(text)} characters, at most {NAME_MAX}" if len(text) > NAME_MAX else None)
            if problem:
                problems.append((field, problem))
    if len(password) < PASSWORD_MIN:
        problems.append(("password", f"{len(password)} characters, at least {PASSWORD_MIN}"))
    elif len(password) > PASSWORD_MAX:
        problems.append(("password", f"longer than {PASSWORD_MAX} characters"))
    if problems:
        raise FieldProblems(problems)
    return Role(role)


# -- signing in and out --------------------------------------------------------------------------


def sign_in(app: App, username: str, password: str, client_address: str | None) -> SignedIn:
    """A new session for a correct username and password; SignInRefused otherwise, recorded in the audit log."""
    now = app.clock.now()
    settings = app.settings
    since = now - timedelta(minutes=settings.sign_in_window_minutes)
    with app.unit_of_work() as work:
        throttled = (
            work.audit.count_since("sign_in_refused", since, subject=username)
            >= settings.sign_in_attempts_per_account
            or work.audit.count_since("sign_in_refused", since, client_address=client_address)
            >= settings.sign_in_attempts_per_address)
    if throttled:
        _record(app, "sign_in_throttled", subject=username, client_address=client_address,
                detail=f"more than the failed sign-ins allowed in {settings.sign_in_window_minutes} minutes")
        raise SignInRefused(f"You have tried to sign in too many times. Wait {settings.sign_in_window_minutes} "
                            "minutes and try again", throttled=True)
    with app.unit_of_work() as work:
        user = work.users.find(username)
    # The hash is checked even for an unknown username, so the time taken does not say which usernames exist.
    correct = _verify(app, user.password_hash if user else app.password_hasher_decoy, password)
    refusal = ("no such user" if user is None else "wrong password" if not correct
               else "account disabled" if user.disabled else None)
    if refusal:
        _record(app, "sign_in_refused", subject=username, client_address=client_address, detail=refusal)
        raise SignInRefused(WRONG_CREDENTIALS)
    token = secrets.token_urlsafe(32)
    signed_in = SignedIn(_viewer(user), session_id_of(token), secrets.token_urlsafe(32), token)
    with app.unit_of_work() as work:
        work.users.start_session(signed_in.session_id, user.username, signed_in.csrf_token, now)
        work.audit.record(now, "sign_in", actor=user.username, subject=user.username, client_address=client_address)
    return signed_in


def resume_session(app: App, token: str) -> SignedIn | None:
    """The live session of a cookie's token, or None: unknown, signed out, idle too long or its user disabled.

    A session idle for longer than ``session_idle_minutes`` is ended here, so it cannot come back."""
    session_id = session_id_of(token)
    now = app.clock.now()
    with app.unit_of_work() as work:
        session = work.users.session(session_id)
        if session is None or session.ended_at is not None:
            return None
        user = work.users.find(session.username)
        if now - session.last_seen_at > timedelta(minutes=app.settings.session_idle_minutes):
            work.users.end_session(session_id, now)
            work.audit.record(now, "session_expired", actor=session.username, subject=session.username,
                              detail=f"idle for more than {app.settings.session_idle_minutes} minutes")
            return None
        if user is None or user.disabled:
            work.users.end_session(session_id, now)
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            work.users.touch_session(session_id, now)
        return SignedIn(_viewer(user), session_id, session.csrf_token)


def sign_out(app: App, signed_in: SignedIn, client_address: str | None) -> None:
    now = app.clock.now()
    with app.unit_of_work() as work:
        work.users.end_session(signed_in.session_id, now)
        work.audit.record(now, "sign_out", actor=signed_in.viewer.username, subject=signed_in.viewer.username,
                          client_address=client_address)


def record_refusal(app: App, action: str, *, actor: str | None, subject: str | None,
                   client_address: str | None, detail: str | None = None) -> None:
    """An audit entry for a refusal an entry point made (a case not to be seen, a form without its token)."""
    _record(app, action, actor=actor, subject=subject, client_address=client_address, detail=detail)


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(expected: str, given: str | None) -> bool:
    """Compared in constant time, so the time taken says nothing of how much of a token was right."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _record(app: App, action: str, **entry) -> None:
    with app.unit_of_work() as work:
        work.audit.record(app.clock.now(), action, **entry)


def _verify(app: App, password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if len(password) > PASSWORD_MAX:
        return False
    try:
        return app.password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _viewer(user: UserRecord) -> Viewer:
    return Viewer(username=user.username, display_name=user.display_name, role=Role(user.role), team=user.team)

