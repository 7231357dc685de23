"""`ehc import caseload`: a whole file in one transaction, its rows parsed on every core.

Each row's parsing, validation and projection is pure Python (most of an
import's time), so chunks of rows go to worker processes and come back as
plain values ready to write; this process checks references across chunks
and writes each chunk as it arrives. After the first problem nothing more is
written but every row is still read, so the caseworker sees every bad line;
then the transaction is rolled back and the store is as it was.
"""

from __future__ import annotations

import multiprocessing
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from domain.closures import ClosureCalendar
from ehc.bootstrap import App
from ehc.imports.caseload_csv import (
    CaseloadRejected, already_stored, caseload_rows, parse_case_row, repeated_reference,
)
from store.cases import ImportShapes, PreparedCase, prepare_case

CHUNK_ROWS = 2_000
Chunk = list[tuple[int, list[str]]]
Prepared = list[tuple[int, PreparedCase | str]]


@dataclass(frozen=True)
class ImportedCaseload:
    imported: int
    open_references: list[str]
    ignored_columns: list[str]


def import_caseload_file(app: App, path: Path, actor: str, workers: int | None = None) -> ImportedCaseload:
    """Every case in the file, or none (CaseloadRejected lists each bad line)."""
    caseload = caseload_rows(path)
    with app.unit_of_work() as work:
        shapes = work.cases.import_shapes(actor, app.clock.now())
    problems: list[tuple[int, str]] = []
    first_line_of: dict[str, int] = {}
    open_references: list[str] = []
    imported = 0
    chunks = _chunks(caseload.rows)
    first = next(chunks, [])
    # A file of one chunk is done here: starting processes would cost more than it saves.
    more = next(chunks, None)
    chunks = chain([first], [more] if more else [], chunks)
    context = _Context(caseload.header, app.closures, shapes, app.clock.today())
    with _preparer(context, workers if more else 1) as prepare, app.unit_of_work() as work:
        for prepared in prepare(chunks):
            ready: list[PreparedCase] = []
            for line, outcome in prepared:
                problem = outcome if isinstance(outcome, str) else repeated_reference(
                    first_line_of, outcome.reference, line)
                if problem:
                    problems.append((line, problem))
                else:
                    ready.append(outcome)
            taken = work.cases.stored_references([case.reference for case in ready])
            problems += [already_stored(first_line_of[reference], reference) for reference in taken]
            if problems:
                continue
            work.cases.import_prepared(shapes, ready)
            imported += len(ready)
            open_references += [case.reference for case in ready if case.is_open]
        if problems:  # raised inside the unit of work, so it is rolled back
            raise CaseloadRejected([problem for _, problem in sorted(problems, key=lambda p: p[0])])
    return ImportedCaseload(imported, open_references, caseload.ignored_columns)


def _chunks(rows: Iterator[tuple[int, list[str]]]) -> Iterator[Chunk]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


@dataclass(frozen=True)
class _Context:
    header: list[str]
    closures: ClosureCalendar
    shapes: ImportShapes
    today: date  # events dated after it are refused


_context: _Context | None = None  # what the worker processes need: set before they are forked


def _prepare_chunk(chunk: Chunk) -> Prepared:
    assert _context is not None
    prepared: Prepared = []
    for line, cells in chunk:
        parsed = parse_case_row(line, cells, _context.header, _context.today)
        if isinstance(parsed, str):
            prepared.append((line, parsed))
        else:
            request, events, case_file = parsed
            prepared.append((line, prepare_case(request, events, case_file, _context.closures, _context.shapes)))
    return prepared


@contextmanager
def _preparer(context: _Context, workers: int | None) -> Iterator[Callable[[Iterable[Chunk]], Iterator[Prepared]]]:
    global _context
    _context = context
    workers = workers or min(len(os.sched_getaffinity(0)), 4)
    if workers == 1:
        yield lambda chunks: map(_prepare_chunk, chunks)
        return
    # fork: the workers inherit the context and the imports; they never touch the database.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield lambda chunks: _bounded_map(pool, chunks, ahead=2 * workers)


def _bounded_map(pool, chunks: Iterable[Chunk], ahead: int) -> Iterator[Prepared]:
    """``pool.imap`` in order, but reading the file only ``ahead`` chunks beyond what has been written."""
    pending = []
    for chunk in chunks:
        pending.append(pool.apply_async(_prepare_chunk, (chunk,)))
        if len(pending) >= ahead:
            yield pending.pop(0).get()
    for result in pending:
        yield result.get()
