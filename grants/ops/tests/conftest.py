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
    from django.contrib.auth.models import Permission

    counter = {"n": 0}

    def make(*, staff=False, perms=()):
        counter["n"] += 1
        user = django_user_model.objects.create_user(
            email=f"ops{counter['n']}@example.org", password="a-long-enough-password", is_staff=staff
        )
        for codename in perms:
            app_label, code = codename.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=code)
            )
        return django_user_model.objects.get(pk=user.pk)

    return make
