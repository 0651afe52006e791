from django.urls import path

from . import language, views

app_name = "core"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/ready/", views.ready, name="ready"),
    path("lingua/", language.switch_language, name="switch_language"),
]
