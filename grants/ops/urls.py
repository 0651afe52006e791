from django.urls import path

from . import audit_views, metrics, privacy_views, views

app_name = "ops"
urlpatterns = [
    path("metrics", metrics.metrics_view, name="metrics"),
    path("sistema/stato/", views.system_status, name="status"),
    path("profilo/dati-personali/", privacy_views.personal_data_download, name="personal_data"),
    path("sistema/registro-operazioni/", audit_views.audit_search, name="audit_search"),
    path("sistema/attivita-fallite/", views.failed_task_list, name="failed_tasks"),
    path("sistema/attivita-fallite/<int:pk>/riesegui/", views.failed_task_rerun, name="failed_task_rerun"),
]
