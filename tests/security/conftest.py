"""Fixtures shared by the security suite: ``world`` (organisation A owns everything, B is another applicant)
is defined with the IDOR suite and used by the evaluation's focused access tests too."""

from .test_idor import shared_world, world  # noqa: F401
