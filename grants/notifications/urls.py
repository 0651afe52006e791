from django.urls import path

from . import views
from .pec import views as pec_views

app_name = "notifications"
urlpatterns = [
    path("notifiche/", views.notification_list, name="list"),
    path("notifiche/conteggio/", views.unread_badge, name="unread_badge"),
    path("notifiche/preferenze/", views.preferences, name="preferences"),
    path("notifiche/segna-tutte-lette/", views.notification_mark_all_read, name="mark_all_read"),
    path("notifiche/pec/", pec_views.pec_notices, name="pec_notices"),
    path("notifiche/<int:pk>/apri/", views.notification_open, name="open"),
    path("notifiche/<int:pk>/letta/", views.notification_mark_read, name="mark_read"),
]
