"""Benchmark: the automatic plan quality checks, from JSON and from Word.

    .venv/bin/python bench/qa_scoring.py              # 2,000 plans scored, 200 Word files read
    .venv/bin/python bench/qa_scoring.py --plans 10000

Scores the corpus plans (tests/fixtures/plans) over and over with the packaged rubric and
reads Word versions of them, printing plans per second and peak Python allocation. Aim: a
plan scored in well under 50 ms and a Word plan read in under 200 ms, so that a whole
year's plans (a few thousand) re-score in minutes. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
import tracemalloc
from pathlib import Path

from config.rubric import PACKAGED_RUBRIC, load_rubric
from domain.quality.grading import assess_plan
from ehc.imports.plan_file import read_plan

PLANS = Path(__file__).parents[1] / "tests" / "fixtures" / "plans"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--docx", type=int, default=200)
    args = parser.parse_args()
    rubric = load_rubric(PACKAGED_RUBRIC)
    corpus = [read_plan(PLANS / f"{name}.json") for name in ("strong", "typical", "poor")]

    tracemalloc.start()
    started = time.perf_counter()
    for index in range(args.plans):
        assess_plan(corpus[index % len(corpus)], rubric)
    scoring = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"scored {args.plans} plans in {scoring:.2f} s: {1000 * scoring / args.plans:.2f} ms a plan, "
          f"peak allocation {peak / 1e6:.1f} MB")

    spec = importlib.util.spec_from_file_location("make_docx", PLANS / "make_docx.py")
    make_docx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_docx)
    with tempfile.TemporaryDirectory() as folder:
        files = [make_docx.write_docx(name, layout, Path(folder) / f"{name}-{layout}.docx")
                 for name in make_docx.PLANS for layout in make_docx.LAYOUTS]
        started = time.perf_counter()
        for index in range(args.docx):
            read_plan(files[index % len(files)])
        reading = time.perf_counter() - started
    print(f"read {args.docx} Word plans in {reading:.2f} s: {1000 * reading / args.docx:.1f} ms a plan")


if __name__ == "__main__":
    main()
