import factory
from factory.django import DjangoModelFactory

from grants.notifications import events
from grants.notifications.models import Notification
from grants.registry.tests.factories import UserFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    event = events.APPLICATION_RECEIPT
    subject = factory.Sequence(lambda n: f"Domanda presentata n. {n}")
    body = "La domanda è stata presentata con il protocollo 2026/000001."
    link = "/domande/"
