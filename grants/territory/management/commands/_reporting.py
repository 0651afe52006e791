"""Shared output of the territory commands: each LoadReport printed in Italian."""

from grants.territory.services import LoadReport


def write_reports(command, reports: list[LoadReport]) -> None:
    for report in reports:
        for line in report.lines():
            command.stdout.write(line)
