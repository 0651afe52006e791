from django.urls import path  # noqa: F401 - patterns are added with the pages

app_name = "finance"
urlpatterns: list = []
