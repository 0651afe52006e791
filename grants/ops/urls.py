from django.urls import path

from . import metrics, views

app_name = "ops"
urlpatterns = [
    path("metrics", metrics.metrics_view, name="metrics"),
    path("sistema/stato/", views.system_status, name="status"),
    path("sistema/attivita-fallite/", views.failed_task_list, name="failed_tasks"),
    path("sistema/attivita-fallite/<int:pk>/riesegui/", views.failed_task_rerun, name="failed_task_rerun"),
]
