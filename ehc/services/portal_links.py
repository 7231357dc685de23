"""The portal's links: made for a contributor (one advice request) or a parent (one case), signed, and opened.

A link is ``{public_url}/portal/{REF}/advice/{TOKEN}`` (one advice request, for its contributor) or
``{public_url}/portal/{REF}/parent/{TOKEN}`` (one case, for the child's parent). TOKEN is a random link id
signed with the app's key (itsdangerous); the store keeps only the id's SHA-256, with the link's case,
purpose, advice key, expiry and when it was used (``portal_links``). The stored row decides whether a link
opens: a token whose signature fails, one the store does not know, one past its expiry, an advice link
already used for a submission, a link of another purpose or one whose case is not the REF in the address
is refused (``LinkRefused``), and each refusal is an audit entry (``portal_link_refused``) with the reason,
never the token. The page says only that the link cannot be used.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NoReturn
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer

from domain.timeline import AdviceDeadline, Timeline
from ehc.bootstrap import App
from ehc.parse import FieldProblems
from ehc.services.casework import show_case
from store.cases import CaseNotFound
from store.portal import LinkRecord

LINK_SALT = "ehc-portal-link"
REFUSED = "portal_link_refused"
LINK_DAYS_MAX = 366


class Purpose(StrEnum):
    ADVICE = "advice"
    PARENT = "parent"


class LinkRefused(Exception):
    """A link that opens nothing. ``reason`` is for the audit log only: the page does not say which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NewLink:
    url: str
    expires_at: datetime
    row: dict  # the link's ``portal_links`` row, stored by whoever sends the link


# -- making links ----------------------------------------------------------------------------------


def new_link(app: App, case_id: int, reference: str, purpose: Purpose, *, advice_key: str | None = None,
             days: int | None = None) -> NewLink:
    """A fresh link (not yet stored): its address, and the row that makes it open."""
    link_id = secrets.token_urlsafe(24)
    token = _signer(app).dumps(link_id)
    now = app.clock.now()
    if days is None:
        days = app.settings.portal_link_days if purpose is Purpose.ADVICE else app.settings.parent_link_days
    expires_at = now + timedelta(days=days)
    url = f"{app.settings.public_url.rstrip('/')}/portal/{quote(reference, safe='')}/{purpose.value}/{token}"
    return NewLink(url, expires_at, {"id_hash": _id_hash(link_id), "case_id": case_id, "purpose": purpose.value,
                                     "advice_key": advice_key, "created_at": now, "expires_at": expires_at})


def contributor_link(app: App, reference: str, advice_key: str, expires_in_days: int | None = None) -> NewLink:
    """A stored link to one advice request of the case (``key`` as `ehc case show --json` lists it)."""
    _check_days(expires_in_days)
    record, timeline = show_case(app, reference, app.clock.today())
    advice = advice_request(timeline, advice_key)
    if advice is None:
        keys = ", ".join(request.key for request in timeline.advice) or "none"
        raise FieldProblems.one("advice", f"{reference} has no advice request {advice_key!r} (its requests: {keys})")
    if advice.done_on is not None:
        raise FieldProblems.one("advice", f"advice from {advice_key} was already received on {advice.done_on}")
    return _stored_link(app, reference, Purpose.ADVICE, advice_key, expires_in_days)


def parent_link(app: App, reference: str, expires_in_days: int | None = None) -> NewLink:
    """A stored link to the parent's view of the case."""
    _check_days(expires_in_days)
    return _stored_link(app, reference, Purpose.PARENT, None, expires_in_days)


def _stored_link(app: App, reference: str, purpose: Purpose, advice_key: str | None, days: int | None) -> NewLink:
    with app.unit_of_work() as work:
        case_id = work.portal.case_id(reference)
        if case_id is None:
            raise CaseNotFound(reference)
        link = new_link(app, case_id, reference, purpose, advice_key=advice_key, days=days)
        work.portal.add_links([link.row])
    return link


def _check_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= LINK_DAYS_MAX:
        raise FieldProblems.one("expires_in_days", f"{days} days: a link lasts 1 to {LINK_DAYS_MAX} days")


# -- opening links ---------------------------------------------------------------------------------


def open_link(app: App, reference: str, token: str, purpose: Purpose, client_address: str | None) -> LinkRecord:
    """The stored link the token names, if it opens ``purpose``'s page of case ``reference`` now; LinkRefused
    (recorded in the audit log) if not."""
    try:
        link_id = _signer(app).loads(token)
    except BadSignature:
        link_id = None
    with app.unit_of_work() as work:
        link = work.portal.link(_id_hash(link_id)) if isinstance(link_id, str) else None
    reason = _refusal(app, link, link_id, reference, purpose)
    if reason is None and purpose is Purpose.ADVICE and advice_of(app, link) is None:
        reason = "its advice request is no longer on the case (voided)"
    if reason:
        refuse(app, reason, reference, client_address, link)
    return link


def _refusal(app: App, link: LinkRecord | None, link_id, reference: str, purpose: Purpose) -> str | None:
    if link_id is None:
        return "signature does not verify (tampered or not ours)"
    if link is None:
        return "no such link"
    if link.purpose != purpose:
        return f"a {link.purpose} link used for a {purpose} page"
    if link.case_reference != reference:
        return f"a link of another case used for {reference}"
    if app.clock.now() >= link.expires_at:
        return f"expired {link.expires_at.isoformat(timespec='minutes')}"
    if link.used_at is not None:
        return f"already used {link.used_at.isoformat(timespec='minutes')}"
    return None


def refuse(app: App, reason: str, reference: str, client_address: str | None,
           link: LinkRecord | None = None) -> NoReturn:
    """Record the refusal (never the token) and raise LinkRefused."""
    detail = f"link {link.id}: {reason}" if link else reason
    with app.unit_of_work() as work:
        work.audit.record(app.clock.now(), REFUSED, subject=reference, client_address=client_address, detail=detail)
    raise LinkRefused(reason)


# -- helpers ---------------------------------------------------------------------------------------


def advice_request(timeline: Timeline, key: str | None) -> AdviceDeadline | None:
    return next((advice for advice in timeline.advice if advice.key == key), None)


def advice_of(app: App, link: LinkRecord) -> AdviceDeadline | None:
    return advice_request(show_case(app, link.case_reference, app.clock.today())[1], link.advice_key)


def _signer(app: App) -> URLSafeSerializer:
    return URLSafeSerializer(app.secret_key, salt=LINK_SALT)


def _id_hash(link_id: str) -> str:
    return hashlib.sha256(link_id.encode()).hexdigest()
