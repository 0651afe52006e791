"""Settings for pytest: the normal module with DJANGO_ENV=test (fast hashing, DEBUG off)."""

import os

os.environ["DJANGO_ENV"] = "test"

from config.settings import *  # noqa: F403
