"""The portal's upload limit (ehc/web/uploads.py) stops a body as it streams in: what is past the limit is never
read, whether or not the sender declared its length."""

from __future__ import annotations

import asyncio

import pytest

from ehc.web.uploads import FORM_OVERHEAD, UploadLimit, UploadTooLarge

CHUNK = 64 * 1024
LIMIT = 1024 * 1024


def post(path: str, chunks: int, *, declared: bool) -> tuple[int, bool]:
    """Send ``chunks`` chunks of 64 KB to an app that reads its whole body; returns (chunks the client had
    to give, whether the limit stopped it)."""
    given = 0

    async def receive():
        nonlocal given
        given += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": given < chunks}

    async def reads_everything(scope, receive, send):
        while (await receive()).get("more_body"):
            pass

    headers = [(b"content-length", str(chunks * CHUNK).encode())] if declared else []
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    try:
        asyncio.run(UploadLimit(reads_everything, max_file_bytes=LIMIT)(scope, receive, None))
    except UploadTooLarge:
        return given, True
    return given, False


@pytest.mark.parametrize("declared", [True, False])
def test_a_portal_body_past_the_limit_is_stopped_before_the_rest_is_read(declared):
    given, stopped = post("/portal/EHC-1/advice/token/upload", 1000, declared=declared)  # 64 MB offered

    assert stopped
    assert given <= (LIMIT + FORM_OVERHEAD) // CHUNK + 1  # 0 when the declared length already says too much


def test_a_body_within_the_limit_and_other_paths_are_read_whole():
    assert post("/portal/EHC-1/advice/token/upload", LIMIT // CHUNK, declared=True) == (LIMIT // CHUNK, False)
    assert post("/sign-in", 1000, declared=True) == (1000, False)
