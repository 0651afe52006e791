"""Payments (advance, interim, balance), guarantees, loans, expense claims, first-level control,
recoveries."""
