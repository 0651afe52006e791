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


@pytest.fixture
def make_user(django_user_model):
    from grants.registry.tests.factories import staff_user

    counter = {"n": 0}

    def make(*, staff=False, perms=()):
        counter["n"] += 1
        return staff_user(*perms, email=f"ops{counter['n']}@example.org", is_staff=staff)

    return make
