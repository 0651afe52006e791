"""What a well-behaved client does after a fault: submit again every application not yet accepted.

Reads the prepared lines and the responses logged by submit.lua; for each application without a 2xx answer it
sends the same request again (same session, CSRF token and Idempotency-Key), waiting ``Retry-After`` seconds
after a 503, up to ``--attempts`` times. Answers are appended in submit.lua's format
(status, Idempotent-Replayed, Retry-After, body) to ``--out``, so check.py judges them with the rest::

    python bench/clickday/retry.py --lines lines.tsv --responses responses.0 --base http://127.0.0.1:8098 \\
        --out retried.responses

An application whose first request was committed but never answered (its worker was killed mid-request) gets
``Idempotent-Replayed: true`` here, with the protocol number it was given: never a second submission.
"""

import argparse
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def accepted_ids(paths: list[Path]) -> set[int]:
    accepted = set()
    for path in paths:
        for raw in path.read_text().splitlines():
            fields = raw.split("\t")
            if 200 <= int(fields[0]) < 300:
                accepted.add(int(json.loads(fields[-1])["id"]))
    return accepted


def send(base: str, line: list[str], attempts: int) -> list[str]:
    app, session, key, csrf, _user = line
    logged = []
    for _ in range(attempts):
        request = urllib.request.Request(  # noqa: S310 (a loopback http URL given by the runner)
            f"{base}/api/v1/applications/{app}/submit",
            data=b'{"declarations_accepted": true}',
            headers={
                "Content-Type": "application/json",
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Idempotency-Key": key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        except OSError:  # the server is not answering at all: wait as for a 503
            time.sleep(2)
            continue
        text = body.decode(errors="replace").replace("\t", " ").replace("\n", " ")
        logged.append(
            f"{status}\t{headers.get('Idempotent-Replayed', '-')}\t{headers.get('Retry-After', '-')}\t{text}"
        )
        if status != 503:
            break
        time.sleep(float(headers.get("Retry-After") or 1))
    return logged


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=Path, required=True)
    parser.add_argument("--responses", type=Path, nargs="+", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--attempts", type=int, default=6)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    accepted = accepted_ids(args.responses)
    pending = [line.split("\t") for line in args.lines.read_text().splitlines()]
    pending = [line for line in pending if int(line[0]) not in accepted]
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        results = list(pool.map(lambda line: send(args.base, line, args.attempts), pending))
    lines = [entry for result in results for entry in result]
    args.out.write_text("".join(entry + "\n" for entry in lines))
    print(f"retried {len(pending)} applications without a 2xx answer: {len(lines)} answers in {args.out}")


if __name__ == "__main__":
    main()
