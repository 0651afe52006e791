"""Click-day integrity check and report: what the clients were told against what the database holds.

Run with the same DJANGO_SETTINGS_MODULE / DATABASE_URL as the server (bench/clickday/run.sh does)::

    python bench/clickday/check.py --lines lines.tsv --responses responses.0 [...] --wrk wrk.txt \
        [--pgbench pgbench.txt] [--json result.json]

Integrity (any failure: exit status 1):
- every 2xx answer (202: received) names an application of the prepared lines, once (nothing accepted twice),
  with an arrival number unique among the answers, and the database agrees: that application has that
  arrival, was numbered by the sequencer and is submitted with the arrival's protocol (and the protocol of
  the answer, when it already had one), by the applicant's own user, with the applicant's own key;
- a replayed answer (Idempotent-Replayed: true) repeats the arrival of its application;
- every arrival got a protocol number, and the numbers follow the arrival order exactly;
- the year's protocol numbers are 1..max without a gap or a duplicate, and the counter stands at max;
- booked total = sum of the booked applications' amounts = the booking row, within the budget; on a
  first-come call no waiting application arrived before a booked one;
- every application the database holds as submitted either got its 2xx or was still in flight when the
  load generator stopped (reported, not an error: the client hung up before the answer).

With ``--faults`` (bench/clickday/faults.sh: a worker killed and PostgreSQL restarted mid-run, then client
retries with the same keys): every refusal a client saw was 503 with Retry-After, and every prepared applicant
ends with exactly one accepted submission (a first answer or an idempotent replay of it).

The report: accepted/s over the wrk run, latency percentiles, answers by kind, pgbench rate and ratio.
"""

import argparse
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Max, Sum  # noqa: E402

from grants.applications.models import Application, Arrival, CallBooking, ProtocolCounter  # noqa: E402
from grants.applications.states import ApplicationStatus, BookingOutcome  # noqa: E402
from grants.programme.models import Call  # noqa: E402
from grants.registry.models import Membership  # noqa: E402

CALL_CODE = "clickday"


def read_lines(path: Path) -> dict[int, dict]:
    prepared = {}
    for raw in path.read_text().splitlines():
        app, _session, key, _csrf, user = raw.split("\t")
        prepared[int(app)] = {"key": key, "user": int(user)}
    return prepared


def read_responses(paths: list[Path]) -> list[tuple[int, str, str, str]]:
    """(status, Idempotent-Replayed, Retry-After, body) per answer; older logs have no Retry-After column."""
    rows = []
    for path in paths:
        for raw in path.read_text().splitlines():
            fields = raw.split("\t", 3)
            if len(fields) == 3:
                fields.insert(2, "-")
            status, replayed, retry_after, body = fields
            rows.append((int(status), replayed, retry_after, body))
    return rows


def kind_of(status: int, body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return f"{status} (not JSON)"
    code = data.get("code") if isinstance(data, dict) else None
    return f"{status} {code or data.get('title', '')}".strip()


def wrk_summary(path: Path | None) -> dict:
    if path is None or not path.exists():
        return {}
    for line in path.read_text().splitlines():
        if line.startswith("CLICKDAY_SUMMARY "):
            return json.loads(line.removeprefix("CLICKDAY_SUMMARY "))
    return {}


def pgbench_tps(path: Path | None) -> float | None:
    if path is None or not path.exists():
        return None
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", path.read_text())
    return float(match.group(1)) if match else None


def wrk_rate(path: Path | None) -> float | None:
    """Requests/s of a plain wrk run (the ceiling measured on /health/)."""
    if path is None or not path.exists():
        return None
    match = re.search(r"Requests/sec:\s+([0-9.]+)", path.read_text())
    return float(match.group(1)) if match else None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    index = max(0, min(len(values) - 1, round(q / 100 * len(values) + 0.5) - 1))
    return values[index]


def check(
    prepared: dict[int, dict], responses: list[tuple[int, str, str, str]], *, faults: bool = False
) -> tuple[list[str], dict]:
    """``faults``: the run had faults and the clients retried, so every refusal must have been a 503 with
    Retry-After, and in the end every prepared applicant must hold exactly one accepted submission."""
    errors: list[str] = []
    kinds: Counter = Counter()
    accepted: dict[int, int] = {}  # application id -> arrival number, first answers only
    answered_protocol: dict[int, str] = {}  # the protocol a first answer already carried (inline sequencer)
    replays: list[tuple[int, int]] = []
    for status, replayed, retry_after, body in responses:
        if not 200 <= status < 300:
            kinds[kind_of(status, body)] += 1
            if faults and (status != 503 or not retry_after.isdigit()):
                errors.append(f"a client got {kind_of(status, body)} (Retry-After {retry_after}), not 503")
            continue
        data = json.loads(body)
        app_id, number = int(data["id"]), int(data["arrival"]["number"])
        if replayed == "true":
            kinds["2xx replayed"] += 1
            replays.append((app_id, number))
            continue
        kinds[f"{status} {data['status']}"] += 1
        if app_id not in prepared:
            errors.append(f"answer for an application that was not prepared: {app_id}")
        if app_id in accepted:
            errors.append(f"application {app_id} accepted twice (arrivals {accepted[app_id]} and {number})")
        accepted.setdefault(app_id, number)
        if data.get("protocol"):
            answered_protocol[app_id] = data["protocol"]

    numbers = Counter(accepted.values())
    errors += [f"arrival {a} given to {n} applications" for a, n in numbers.items() if n > 1]
    for app_id, number in replays:
        if app_id in accepted and accepted[app_id] != number:
            errors.append(f"replay of {app_id} answered arrival {number}, first answer {accepted[app_id]}")

    call = Call.objects.get(code=CALL_CODE)
    submitted = {
        a["pk"]: a
        for a in Application.objects.filter(call=call, protocol_number__isnull=False).values(
            "pk",
            "status",
            "protocol_year",
            "protocol_number",
            "submitted_by_id",
            "applicant_id",
            "idempotency_key",
            "booking_outcome",
            "booked_amount",
            "requested_grant",
        )
    }
    members = set(
        Membership.objects.filter(
            organisation__applications__in=list(submitted), revoked_at__isnull=True
        ).values_list("user_id", "organisation_id")
    )
    arrivals = list(
        Arrival.objects.filter(call=call)
        .order_by("pk")
        .values("pk", "application_id", "arrived_at", "sequenced_at", "protocol_year", "protocol_number")
    )
    arrival_of = {a["application_id"]: a for a in arrivals}
    never_numbered = [a["pk"] for a in arrivals if a["sequenced_at"] is None]
    if never_numbered:
        errors.append(
            f"{len(never_numbered)} arrivals never got a protocol number, e.g. {never_numbered[:5]}"
        )
    order = [(a["protocol_year"], a["protocol_number"]) for a in arrivals if a["sequenced_at"] is not None]
    if order != sorted(order):
        errors.append("protocol numbers do not follow the order of arrival")
    lags = sorted(
        (a["sequenced_at"] - a["arrived_at"]).total_seconds() * 1000
        for a in arrivals
        if a["sequenced_at"] is not None
    )
    for app_id, number in accepted.items():
        row = submitted.get(app_id)
        arrival = arrival_of.get(app_id)
        if row is None or arrival is None:
            errors.append(f"application {app_id} was answered arrival {number} but is not numbered")
            continue
        if arrival["pk"] != number:
            errors.append(f"application {app_id}: answered arrival {number}, database {arrival['pk']}")
        db_protocol = f"{row['protocol_year']}/{row['protocol_number']:07d}"
        if (arrival["protocol_year"], arrival["protocol_number"]) != (
            row["protocol_year"],
            row["protocol_number"],
        ):
            errors.append(f"application {app_id}: its arrival and the application hold different protocols")
        if answered_protocol.get(app_id, db_protocol) != db_protocol:
            errors.append(
                f"application {app_id}: answered {answered_protocol[app_id]}, database {db_protocol}"
            )
        if row["status"] != ApplicationStatus.SUBMITTED:
            errors.append(f"application {app_id} is {row['status']}, not submitted")
        expected = prepared.get(app_id)
        if expected and row["submitted_by_id"] != expected["user"]:
            errors.append(
                f"application {app_id} submitted by user {row['submitted_by_id']}, not its applicant"
            )
        if expected and row["idempotency_key"] != expected["key"]:
            errors.append(f"application {app_id} holds another idempotency key")
        if (row["submitted_by_id"], row["applicant_id"]) not in members:
            errors.append(f"application {app_id}: the submitting user is not a member of the applicant")
    in_flight = sorted(set(submitted) - set(accepted))
    if faults:
        # After the retries every applicant was answered: a first answer, or a replay of a request that had
        # been committed while its answer was lost (the killed worker) — never two protocol numbers.
        answered = set(accepted) | {app_id for app_id, _protocol in replays}
        missing = sorted(set(prepared) - answered)
        if missing:
            errors.append(f"{len(missing)} applicants never got a 2xx after retrying, e.g. {missing[:5]}")
        for app_id, number in replays:
            arrival = arrival_of.get(app_id)
            if arrival is None or arrival["pk"] != number:
                errors.append(
                    f"replay of {app_id} answered arrival {number}, which the database does not hold"
                )
        if set(submitted) - set(prepared):
            errors.append("submitted applications that were never prepared")

    # Gapless, unique protocol numbers of every year used, and the counter at the last one.
    for year in sorted({row["protocol_year"] for row in submitted.values()}):
        numbers = sorted(
            Application.objects.filter(protocol_year=year).values_list("protocol_number", flat=True)
        )
        if numbers != list(range(1, len(numbers) + 1)):
            errors.append(f"protocol numbers of {year} are not 1..{len(numbers)} without gaps")
        counter = ProtocolCounter.objects.get(year=year).last_number
        if counter != (numbers[-1] if numbers else 0):
            errors.append(f"protocol counter of {year} is {counter}, last number given {numbers[-1]}")

    # Budget: booked total = booking row = sum of booked amounts, within the budget; first come, first served.
    booking = CallBooking.objects.get(call=call)
    booked = Application.objects.filter(call=call, booking_outcome=BookingOutcome.BOOKED)
    booked_sum = booked.aggregate(s=Sum("booked_amount"))["s"] or Decimal(0)
    if booked_sum != booking.booked:
        errors.append(f"booked amounts add up to {booked_sum}, the booking row says {booking.booked}")
    if booking.booked > booking.budget:
        errors.append(f"over-booked: {booking.booked} > {booking.budget}")
    waiting = Application.objects.filter(call=call, booking_outcome=BookingOutcome.WAITING)
    last_booked = booked.aggregate(m=Max("protocol_number"))["m"]
    if last_booked and waiting.filter(protocol_number__lt=last_booked).exists():
        errors.append("a waiting application arrived before a booked one")
    if waiting.exists() and booking.budget - booking.booked >= min(
        r["requested_grant"] for r in submitted.values()
    ):
        errors.append("applications wait while the budget still has room")

    facts = {
        "answers": sum(kinds.values()),
        "accepted": len(accepted),
        "accepted_booked": sum(
            1 for a in accepted if submitted.get(a, {}).get("booking_outcome") == BookingOutcome.BOOKED
        ),
        "accepted_waiting": sum(
            1 for a in accepted if submitted.get(a, {}).get("booking_outcome") == BookingOutcome.WAITING
        ),
        "arrivals": len(arrivals),
        "protocol_lag_ms": {
            "p50": round(percentile(lags, 50), 1),
            "p99": round(percentile(lags, 99), 1),
            "max": round(lags[-1], 1),
        }
        if lags
        else {},
        "replayed": len(replays),
        "by_kind": dict(sorted(kinds.items())),
        "submitted_in_database": len(submitted),
        "committed_without_answer": len(in_flight),
        "refused_503_with_retry_after": sum(
            1 for status, _r, retry_after, _b in responses if status == 503 and retry_after.isdigit()
        ),
        "budget": str(booking.budget),
        "booked": str(booking.booked),
        "booked_applications": booked.count(),
        "waiting_applications": waiting.count(),
    }
    return errors, facts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=Path, required=True)
    parser.add_argument("--responses", type=Path, nargs="+", required=True)
    parser.add_argument("--wrk", type=Path)
    parser.add_argument("--pgbench", type=Path)
    parser.add_argument("--ceiling", type=Path, help="wrk output of the same load on /health/")
    parser.add_argument(
        "--bare", type=Path, help="wrk output of the same load on a bare Django SELECT 1 view"
    )
    parser.add_argument("--pgbench-sequencer", type=Path, help="pgbench of the sequencer's batch")
    parser.add_argument("--batch-size", type=int, default=500, help="arrivals per batch in that pgbench")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--label", default="")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--connections", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--loadavg", type=Path, help="/proc/loadavg before and after the run")
    parser.add_argument("--faults", action="store_true", help="a fault run with client retries (faults.sh)")
    args = parser.parse_args(argv)

    errors, facts = check(read_lines(args.lines), read_responses(args.responses), faults=args.faults)
    wrk = wrk_summary(args.wrk)
    seconds = wrk.get("duration_s") or args.duration or 0
    rate = facts["accepted"] / seconds if seconds else None
    tps = pgbench_tps(args.pgbench)
    ceiling = wrk_rate(args.ceiling)
    bare = wrk_rate(args.bare)
    sequencer_tps = pgbench_tps(args.pgbench_sequencer)
    result = {
        "label": args.label,
        "workers": args.workers,
        "threads": args.threads,
        "connections": args.connections,
        "seconds": seconds,
        "accepted_per_s": round(rate, 1) if rate else None,
        "latency_ms": wrk.get("latency_ms", {}),
        "wrk_errors": {k: v for k, v in wrk.items() if k.startswith("errors_")},
        "pgbench_tps": tps,
        "ratio": round(rate / tps, 2) if rate and tps else None,
        "ceiling_health_per_s": ceiling,
        "ratio_to_ceiling": round(rate / ceiling, 2) if rate and ceiling else None,
        "bare_ceiling_per_s": bare,
        "ratio_to_bare": round(rate / bare, 3) if rate and bare else None,
        "health_to_bare": round(ceiling / bare, 3) if ceiling and bare else None,
        "pgbench_sequencer_arrivals_per_s": round(sequencer_tps * args.batch_size) if sequencer_tps else None,
        "loadavg_before_after": args.loadavg.read_text().split("\n")[:2] if args.loadavg else None,
        "integrity_ok": not errors,
        "integrity_errors": errors[:50],
        **facts,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    lat = result["latency_ms"]
    latency = f"{lat.get('p50')} / {lat.get('p95')} / {lat.get('p99')}"
    verdict = "OK" if not errors else "FAILED"
    print(
        f"\n| {args.label} | {result['accepted_per_s']} | {latency} | {result['protocol_lag_ms']} | {tps} "
        f"| {result['ratio']} | {ceiling} | {bare} | {verdict} |"
    )
    if errors:
        print(f"INTEGRITY FAILED: {len(errors)} problem(s)", file=sys.stderr)
        for error in errors[:20]:
            print(f"  - {error}", file=sys.stderr)
        return 1
    print("integrity OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
