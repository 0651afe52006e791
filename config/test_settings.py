"""Settings for pytest: the normal module with DJANGO_ENV=test (fast hashing, DEBUG off).

Uploaded and generated files go to a temporary directory of the test process (removed when it exits), never
into the working tree's ``media/``.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ["DJANGO_ENV"] = "test"

from config.settings import *  # noqa: F403

if "MEDIA_ROOT" not in os.environ:
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="wecare-test-media-"))
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# PostgreSQL test databases: a commit does not wait for its WAL flush (what a crash would lose is not what a
# test checks; visibility, locking and ordering are unchanged). The transactional and browser tests commit
# thousands of times, each a flush of 1.5-3.5 ms on this kind of disk (bench/README.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
