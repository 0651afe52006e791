import pytest

from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def inline_tasks():
    """Run tasks inline whatever REDIS_URL says, and let failures be recorded rather than raised."""
    keys = ("task_always_eager", "task_eager_propagates")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=False)
    yield
    celery_app.conf.update(saved)
