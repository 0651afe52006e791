from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("monitoraggio/", views.dashboard_view, name="dashboard"),
    path("monitoraggio/esporta.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("monitoraggio/progetti/", views.project_list, name="project_list"),
    path("monitoraggio/progetti/<int:pk>/", views.project_monitoring, name="project"),
    path("monitoraggio/progetti/<int:pk>/target/", views.project_targets, name="project_targets"),
    path("monitoraggio/progetti/<int:pk>/partecipanti/", views.participants, name="participants"),
    path(
        "monitoraggio/progetti/<int:pk>/partecipanti/importa/",
        views.participant_import,
        name="participant_import",
    ),
    path(
        "monitoraggio/progetti/<int:pk>/partecipanti/<int:participant_pk>/uscita/",
        views.participant_exit,
        name="participant_exit",
    ),
    path(
        "monitoraggio/progetti/<int:pk>/partecipanti/<int:participant_pk>/elimina/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("monitoraggio/importazioni/<int:pk>/", views.import_detail, name="import_detail"),
    path("monitoraggio/modello-partecipanti.csv", views.participant_template, name="participant_template"),
    path("monitoraggio/relazioni/<int:pk>/", views.report_detail, name="report_detail"),
    path("monitoraggio/bandi/<slug:code>/target/", views.call_targets, name="call_targets"),
]
