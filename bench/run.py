"""The benchmark suite: caseloads of 10k, 100k and 1M requests on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py                                  # everything (about 40 minutes)
    .venv/bin/python bench/run.py --sizes 10000 --databases sqlite # a quick look
    .venv/bin/python bench/run.py --jobs watch --profile           # also write a cProfile per job

For each database and size it builds a store (bench/caseload.py) and writes
the same caseload as an import CSV, then measures, each in a fresh process
(bench/measure.py), the floor and then the product for:

- import:  `ehc import caseload` of the CSV into an empty store (the floor is a second empty store);
- watch:   the deadline watch over every open case (the morning's first run: it queues messages);
- report:  the weekly report (HTML, CSV, XLSX) as of the same day;
- cases:   `ehc cases --due-within 14`.

PostgreSQL is a throwaway cluster started from the installed binaries (fsync off,
as in the tests). Results go to stdout as a table and to --results as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.caseload import AS_OF, build_store, write_import_csv  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
JOBS = ("import", "watch", "report", "cases")


def measure(job: str, url: str, work: Path, floor: bool, csv: Path, profile: bool) -> dict:
    command = [sys.executable, str(ROOT / "bench" / "measure.py"), job, url, "--csv", str(csv),
               "--out", str(work / f"out-{job}")]
    if floor:
        command.append("--floor")
    if profile and not floor:
        command += ["--profile", str(work / f"{job}.prof")]
    (work / f"out-{job}").mkdir(exist_ok=True)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise SystemExit(f"{job}{' floor' if floor else ''} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Databases:
    """A fresh, empty database per use: SQLite files in the work dir, or databases on one PostgreSQL cluster."""

    def __init__(self, kind: str, work: Path) -> None:
        self.kind, self.work, self.cluster, self.count = kind, work, None, 0
        if kind == "postgresql":
            from tests.postgres_cluster import PostgresCluster

            self.cluster = PostgresCluster(settings=("shared_buffers=1GB", "work_mem=64MB")).start()

    def fresh(self, name: str) -> str:
        self.count += 1
        if self.cluster is None:
            return f"sqlite:///{self.work / f'{name}-{self.count}.sqlite3'}"
        from sqlalchemy import create_engine, text

        admin = create_engine(self.cluster.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}_{self.count}"'))
        admin.dispose()
        return self.cluster.admin_url.rsplit("/", 1)[0] + f"/{name}_{self.count}"

    def migrated(self, name: str) -> str:
        from store.db import make_engine, upgrade

        url = self.fresh(name)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    def close(self) -> None:
        if self.cluster:
            self.cluster.stop()


def run(sizes, databases, jobs, work: Path, profile: bool) -> list[dict]:
    results = []
    for kind in databases:
        dbs = Databases(kind, work / kind)
        (work / kind).mkdir(exist_ok=True)
        try:
            for size in sizes:
                csv = work / f"caseload-{size}.csv"
                if "import" in jobs and not csv.exists():
                    write_import_csv(csv, size)
                case_work = work / kind / str(size)
                case_work.mkdir(exist_ok=True)
                if set(jobs) - {"import"}:
                    url = dbs.fresh(f"bench_{size}")
                    built = build_store(url, size)
                    print(f"# {kind} {size:,}: store built in {built:.0f} s", file=sys.stderr)
                for job in jobs:
                    if job == "import":
                        floor = measure(job, dbs.migrated(f"floor_{size}"), case_work, True, csv, profile)
                        product = measure(job, dbs.migrated(f"import_{size}"), case_work, False, csv, profile)
                    else:
                        floor = measure(job, url, case_work, True, csv, profile)
                        product = measure(job, url, case_work, False, csv, profile)
                    row = {"database": kind, "requests": size, "job": job, "seconds": product["seconds"],
                           "floor_seconds": floor["seconds"],
                           "ratio": round(product["seconds"] / max(floor["seconds"], 0.001), 1),
                           "cpu_seconds": product["cpu_seconds"], "worker_cpu_seconds": product["worker_cpu_seconds"],
                           "peak_rss_mb": product["peak_rss_mb"], "rss_before_mb": product["rss_before_mb"],
                           "floor_rows": floor["result"]["rows"], "result": product["result"]}
                    if job == "import":
                        row["rows_per_second"] = round(size / product["seconds"])
                    results.append(row)
                    print(_line(row), flush=True)
        finally:
            dbs.close()
    return results


HEADER = (f"| {'database':<10} | {'requests':>9} | {'job':<7} | {'seconds':>8} | {'floor s':>8} | {'ratio':>6} "
          f"| {'peak RSS MB':>11} | result |\n|---|---:|---|---:|---:|---:|---:|---|")


def _line(row: dict) -> str:
    result = (f"{row['rows_per_second']:,} rows/s" if "rows_per_second" in row
              else ", ".join(f"{key} {value}" for key, value in row["result"].items() if key != "as_of"))
    return (f"| {row['database']:<10} | {row['requests']:>9,} | {row['job']:<7} | {row['seconds']:>8.2f} "
            f"| {row['floor_seconds']:>8.2f} | {row['ratio']:>6.1f} | {row['peak_rss_mb']:>11.0f} | {result} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated request counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--jobs", default=",".join(JOBS))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--work", type=Path, help="keep the stores and CSVs here (default: a temp dir)")
    parser.add_argument("--profile", action="store_true", help="write <work>/<db>/<size>/<job>.prof")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    jobs = [job for job in args.jobs.split(",") if job]
    unknown = set(jobs) - set(JOBS)
    if unknown:
        parser.error(f"--jobs: {', '.join(sorted(unknown))} not one of {', '.join(JOBS)}")
    print(f"as of {AS_OF}; {len(os.sched_getaffinity(0))} cores; Python {platform.python_version()}")
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="ehc-bench-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        results = run(sizes, args.databases.split(","), jobs, work, args.profile)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"results: {args.results}", file=sys.stderr)


if __name__ == "__main__":
    main()
