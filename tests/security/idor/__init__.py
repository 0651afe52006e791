"""The IDOR suite's world, cases by context, tables and discovery (tests in tests/security/test_idor.py)."""
