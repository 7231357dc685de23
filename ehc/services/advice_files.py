"""Advice files contributors upload: written in chunks to the advice files folder under a random name, with
their size and SHA-256, and kept only if they are a PDF or a Word document (DOCX) by their content.

The folder is ``advice_files_dir`` (default ``{state_dir}/advice-files``), never under the web app's static
files; files are readable by the service's own user only (0600, the folder 0700). The type is read from the
bytes, never from the name: a PDF starts with ``%PDF-``; a DOCX is a zip holding ``word/document.xml``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
CHUNK = 64 * 1024
STORED_NAME = re.compile(r"[0-9a-f]{32}")  # what store_advice_file names files; nothing else is opened
FILENAME_MAX = 255


class AdviceFileRefused(ValueError):
    """Why an uploaded file was not kept, in words for the person who sent it."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_filename: str
    content_type: str
    size_bytes: int
    sha256: str


def store_advice_file(folder: Path, source: BinaryIO, filename: str, max_bytes: int) -> StoredFile:
    """Copy ``source`` into ``folder`` a chunk at a time; AdviceFileRefused (and nothing kept) for a file that is
    empty, larger than ``max_bytes`` or neither a PDF nor a DOCX."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise AdviceFileRefused(f"The selected file must be smaller than {_megabytes(max_bytes)}")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise AdviceFileRefused("The selected file is empty")
        content_type = advice_file_type(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(stored_name, clean_filename(filename, content_type), content_type, size, digest.hexdigest())


def advice_file_type(path: Path) -> str:
    """PDF or DOCX by the file's content; AdviceFileRefused for anything else, whatever its name says."""
    with path.open("rb") as file:
        if file.read(5) == b"%PDF-":
            return PDF
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" in archive.namelist():
                return DOCX
    except (zipfile.BadZipFile, OSError):
        pass
    raise AdviceFileRefused("The selected file must be a PDF or a Word document (DOCX)")


def stored_path(folder: Path, stored_name: str) -> Path:
    """Where a stored file is; only a name store_advice_file made is looked up (never a path from outside)."""
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored advice file name: {stored_name!r}")
    return folder / stored_name


def delete_stored(folder: Path, stored_name: str) -> None:
    stored_path(folder, stored_name).unlink(missing_ok=True)


def clean_filename(filename: str, content_type: str) -> str:
    """The name as the sender's computer gave it, without folders or control characters, ending in the
    extension of what the file is."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip() or "advice"
    extension = EXTENSIONS[content_type]
    if not name.lower().endswith(extension):
        name += extension
    return name[-FILENAME_MAX:]


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{size} bytes"
