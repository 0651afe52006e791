"""Indicators, participants and dashboards."""
