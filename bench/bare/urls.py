from django.db import connection
from django.http import HttpResponse
from django.urls import path


def select_one(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("", select_one)]
