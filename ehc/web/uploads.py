"""The size limit on what a portal form may send, enforced while the body streams in.

Every POST's form is parsed before its handler runs (the CSRF check, security.py), and files in it are spooled
to disk a megabyte at a time, never held whole in memory. This middleware stops a portal POST as soon as its
declared length, or the bytes received so far, pass the advice file limit plus room for the form's other
fields: the rest is never read. The handler checks the file itself against the exact limit.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PORTAL_PREFIX = "/portal/"
# What a portal form carries beyond its file: the form token, a reason, the field names and each part's headers.
FORM_OVERHEAD = 64 * 1024


class UploadTooLarge(HTTPException):
    """An HTTPException, so that it passes through FastAPI's body parsing as itself (routes/portal.py answers
    it with the form and a message)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class UploadLimit:
    def __init__(self, app: ASGIApp, *, max_file_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_file_bytes + FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith(PORTAL_PREFIX):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        too_long = declared.isdigit() and int(declared) > self.max_bytes
        received = 0

        async def counted() -> Message:
            nonlocal received
            if too_long:
                raise UploadTooLarge()
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise UploadTooLarge()
            return message

        await self.app(scope, counted, send)
