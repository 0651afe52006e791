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
