"""Turn the wrk outputs of bench/pages/run.sh into result.json and a markdown table.

    python bench/pages/report.py OUT_DIR
reads OUT/wrk/<target>--<name>.txt (target: bare, direct, nginx), OUT/first-request.tsv and OUT/meta.json.
"""

import json
import re
import sys
from pathlib import Path

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    return round(float(match.group(1)) * UNITS[match.group(2)], 2) if match else float("nan")


def parse_wrk(text: str) -> dict:
    result = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = round(float(match.group(1)), 1)
    for pct in ("50", "99"):
        if match := re.search(rf"^\s+{pct}%\s+(\S+)", text, flags=re.M):
            result[f"p{pct}_ms"] = _ms(match.group(1))
    match = re.search(r"(\d+) requests in", text)
    result["requests"] = int(match.group(1)) if match else 0
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non_2xx"] = int(match.group(1)) if match else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["socket_errors"] = sum(int(g) for g in errors.groups()) if errors else 0
    return result


def main(out: Path) -> None:
    meta = json.loads((out / "meta.json").read_text())
    runs: dict[str, dict] = {}
    for path in sorted((out / "wrk").glob("*.txt")):
        target, name = path.stem.split("--", 1)
        runs.setdefault(name, {})[target] = parse_wrk(path.read_text())
    first = []
    tsv = out / "first-request.tsv"
    if tsv.exists():
        for line in tsv.read_text().splitlines():
            mode, first_ms, median_ms = line.split("\t")
            first.append({"mode": mode, "first_ms": float(first_ms), "warm_median_ms": float(median_ms)})
    result = {**meta, "pages": runs, "first_request": first}
    (out / "result.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    lines = [
        f"{meta['workers']} gunicorn workers, wrk {meta['connections']} connections,"
        f" {meta['duration']} s each ({meta['label']})",
        "",
        "| page | path | direct req/s | p50 / p99 ms | nginx req/s | p50 / p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, targets in runs.items():
        direct = targets.get("direct") or targets.get("bare") or {}
        proxied = targets.get("nginx", {})
        errors = sum(t.get("non_2xx", 0) + t.get("socket_errors", 0) for t in targets.values())

        def cell(run):
            return f"{run.get('p50_ms', '–')} / {run.get('p99_ms', '–')}" if run else "–"

        lines.append(
            f"| {name} | `{meta['paths'].get(name, '')}` | {direct.get('rps', '–')} | {cell(direct)} |"
            f" {proxied.get('rps', '–')} | {cell(proxied)} | {errors} |"
        )
    if first:
        lines += ["", "| worker | first request ms | warm median ms |", "|---|---|---|"]
        lines += [f"| {row['mode']} | {row['first_ms']} | {row['warm_median_ms']} |" for row in first]
    (out / "result.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
