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
- cases:   `ehc cases --due-within 14`;

and once per database, over ``--plans`` plans in force (default 20,000; bench/run.py writes them as an
import CSV, ehc/demo/synthetic_plans.py):

- plans_import: `ehc import plans` of the CSV into an empty store (the floor: the bare rows, inserted);
- plans_watch:  the first review watch over every plan imported (reminders, countdowns, termly notices).

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
PLAN_JOBS = ("plans_import", "plans_watch")
PLANS = 20_000


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


def run(sizes, databases, jobs, work: Path, profile: bool, plans: int = PLANS) -> list[dict]:
    results = []
    for kind in databases:
        dbs = Databases(kind, work / kind)
        (work / kind).mkdir(exist_ok=True)
        try:
            if set(jobs) & set(PLAN_JOBS):
                results += run_plans(dbs, kind, [job for job in jobs if job in PLAN_JOBS], work, profile, plans)
            for size in sizes if set(jobs) - set(PLAN_JOBS) else ():
                csv = work / f"caseload-{size}.csv"
                if "import" in jobs and not csv.exists():
                    write_import_csv(csv, size)
                case_work = work / kind / str(size)
                case_work.mkdir(exist_ok=True)
                if set(jobs) - {"import"}:
                    url = dbs.fresh(f"bench_{size}")
                    built = build_store(url, size)
                    print(f"# {kind} {size:,}: store built in {built:.0f} s", file=sys.stderr)
                for job in (job for job in jobs if job not in PLAN_JOBS):
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


def run_plans(dbs: Databases, kind: str, jobs: list[str], work: Path, profile: bool, count: int) -> list[dict]:
    """Import ``count`` plans into an empty store (beside the floor's), then the first watch over them."""
    from bench.caseload import AS_OF
    from ehc.demo.synthetic_plans import PLAN_COLUMNS, synthetic_plans

    csv_path = work / f"plans-{count}.csv"
    if not csv_path.exists():
        import csv

        with csv_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=PLAN_COLUMNS)
            writer.writeheader()
            writer.writerows(synthetic_plans([], count, AS_OF))
    plan_work = work / kind / f"plans-{count}"
    plan_work.mkdir(exist_ok=True)
    url = dbs.migrated(f"plans_{count}")
    results = []
    for job in PLAN_JOBS:
        if job not in jobs:
            continue
        floor_url = dbs.migrated(f"plans_floor_{count}") if job == "plans_import" else url
        floor = measure(job, floor_url, plan_work, True, csv_path, profile)
        if job == "plans_watch" and "plans_import" not in jobs:
            measure("plans_import", url, plan_work, False, csv_path, False)  # the plans the watch goes over
        product = measure(job, url, plan_work, False, csv_path, profile)
        row = {"database": kind, "plans": count, "job": job, "seconds": product["seconds"],
               "floor_seconds": floor["seconds"], "ratio": round(product["seconds"] / max(floor["seconds"], 0.001), 1),
               "cpu_seconds": product["cpu_seconds"], "worker_cpu_seconds": product["worker_cpu_seconds"],
               "peak_rss_mb": product["peak_rss_mb"], "rss_before_mb": product["rss_before_mb"],
               "floor_rows": floor["result"]["rows"], "result": product["result"]}
        if job == "plans_import":
            row["rows_per_second"] = round(count / product["seconds"])
        results.append(row)
        print(_line(row), flush=True)
    return results


HEADER = (f"| {'database':<10} | {'size':>9} | {'job':<12} | {'seconds':>8} | {'floor s':>8} | {'ratio':>6} "
          f"| {'peak RSS MB':>11} | result |\n|---|---:|---|---:|---:|---:|---:|---|")


def _line(row: dict) -> str:
    result = (f"{row['rows_per_second']:,} rows/s" if "rows_per_second" in row
              else ", ".join(f"{key} {value}" for key, value in row["result"].items() if key != "as_of"))
    size = row["requests"] if "requests" in row else row["plans"]  # requests in the caseload, or plans in force
    return (f"| {row['database']:<10} | {size:>9,} | {row['job']:<12} | {row['seconds']:>8.2f} "
            f"| {row['floor_seconds']:>8.2f} | {row['ratio']:>6.1f} | {row['peak_rss_mb']:>11.0f} | {result} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated request counts")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--jobs", default=",".join((*JOBS, *PLAN_JOBS)))
    parser.add_argument("--plans", type=int, default=PLANS, help="plans in force for the plans_ jobs")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--work", type=Path, help="keep the stores and CSVs here (default: a temp dir)")
    parser.add_argument("--profile", action="store_true", help="write <work>/<db>/<size>/<job>.prof")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    jobs = [job for job in args.jobs.split(",") if job]
    unknown = set(jobs) - set(JOBS) - set(PLAN_JOBS)
    if unknown:
        parser.error(f"--jobs: {', '.join(sorted(unknown))} not one of {', '.join((*JOBS, *PLAN_JOBS))}")
    print(f"as of {AS_OF}; {len(os.sched_getaffinity(0))} cores; Python {platform.python_version()}")
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="ehc-bench-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        results = run(sizes, args.databases.split(","), jobs, work, args.profile, args.plans)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print(f"results: {args.results}", file=sys.stderr)


if __name__ == "__main__":
    main()
