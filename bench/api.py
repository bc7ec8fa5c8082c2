"""REST API benchmark: the journey list (50 rows) and a journey's detail through the API,
with an API key. Prints, never asserts.

    .venv/bin/python bench/api.py [--sizes 1000000] [--requests 200]

Uses the kept demo database `crm_bench_demo_<size>` (bench/demo_db.py: seeded once,
migrated forward). Its own data: one API key per demo user measured (`bench: api.py`,
in api_apikey), replaced on every run, so reruns add nothing. In a fresh process with
DEBUG off, each request goes through Django's full stack (middleware, API key lookup,
throttle, DRF, serializer, cursor page); p50/p95 and the query count are printed beside
the slowest SQL of the request run directly.

Aim (issue 15): API journey list (50 rows) p95 <= 20 ms at 1,000,000 journeys.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from dashboard import _summary, _time_sql
from demo_db import BASE_DIR, env_for, percentile, prepare

AIM_MS = 20.0
BENCH_KEY = "bench: api.py"


def measure(requests: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from api.models import ApiKey, Scope
    from api.services import api_key_create
    from journeys.selectors import journeys_visible_to

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM journeys_journey")
        total = cursor.fetchone()[0]  # type: ignore[index]
    print(f"\n== {total:,} journeys, {requests} requests per URL", flush=True)
    print(
        f"{'user':<12} {'request':<34} {'p50 ms':>7} {'p95 ms':>7} {'cpu ms':>7} "
        f"{'queries':>7}  {'main SQL p50':>12} {'p95':>6}  main SQL"
    )
    ApiKey.objects.filter(name=BENCH_KEY).delete()  # this script's own rows, from last run
    for username in ("coordinator", "manager"):
        user = User.objects.get(username=username)
        _, raw = api_key_create(name=BENCH_KEY, user=user, scope=Scope.READ, actor=None)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        client = Client()
        first = journeys_visible_to(user).order_by("-id").values_list("pk", flat=True)[:requests]
        ids = list(first)
        urls = {
            "journeys (50)": lambda _n: "/api/v1/journeys/",
            "journeys stage=booked (50)": lambda _n: "/api/v1/journeys/?stage=booked",
            "journeys by inquiry date (50)": (
                lambda _n: "/api/v1/journeys/?ordering=-inquiry_received_at"
            ),
            "journey detail": lambda n, ids=ids: f"/api/v1/journeys/{ids[n % len(ids)]}/",
        }
        for name, url_for in urls.items():
            for n in range(5):
                client.get(url_for(n), **auth)
            timings = []
            cpu_started = time.process_time()
            for n in range(requests):
                started = time.perf_counter()
                response = client.get(url_for(n), **auth)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url_for(n)} answered {response.status_code}")
            cpu = (time.process_time() - cpu_started) * 1000 / requests
            if name.startswith("journeys ("):
                rows = len(response.json()["results"])
                assert rows == 50, rows
            with CaptureQueriesContext(connection) as captured:
                client.get(url_for(0), **auth)
            queries = captured.captured_queries
            main = max(queries, key=lambda q: float(q["time"]))["sql"]
            direct = _time_sql(main, min(requests, 50))
            p50, p95 = percentile(timings, 50), percentile(timings, 95)
            flag = "" if p95 <= AIM_MS or "detail" in name else f"  (aim {AIM_MS:.0f} ms)"
            print(
                f"{username:<12} {name:<34} {p50:>7.1f} {p95:>7.1f} {cpu:>7.1f} "
                f"{len(queries):>7}  {percentile(direct, 50):>12.2f} "
                f"{percentile(direct, 95):>6.2f}  {_summary(main)}{flag}",
                flush=True,
            )
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} "
        "at the end; 'cpu ms' is this process's CPU time per request."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.requests)
        return
    print(f"API benchmark: {', '.join(f'{s:,}' for s in args.sizes)} patients")
    for size in args.sizes:
        database = prepare(size)
        env = env_for(database, debug=False)
        # The throttle is per key: a benchmark's burst is not what it is for.
        env["API_THROTTLE_PER_MINUTE"] = "1000000"
        subprocess.run(
            [sys.executable, __file__, "--measure", "--requests", str(args.requests)],
            env=env,
            check=True,
            cwd=BASE_DIR,
        )


if __name__ == "__main__":
    main()
