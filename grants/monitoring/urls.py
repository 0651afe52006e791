from django.urls import path

from . import application_views, views

app_name = "monitoring"
REPORT = "monitoraggio/relazioni/<int:pk>/"
urlpatterns = [
    path("monitoraggio/", views.dashboard_view, name="dashboard"),
    path("monitoraggio/esporta.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("monitoraggio/progetti/", views.project_list, name="project_list"),
    path("monitoraggio/progetti/<int:pk>/", views.project_monitoring, name="project"),
    path("monitoraggio/progetti/<int:pk>/relazioni/nuova/", views.report_create, name="report_create"),
    path("monitoraggio/progetti/<int:pk>/target/", views.project_targets, name="project_targets"),
    path("monitoraggio/progetti/<int:pk>/partecipanti/", views.participants, name="participants"),
    path(
        "monitoraggio/progetti/<int:pk>/partecipanti/aggiungi/", views.participant_add, name="participant_add"
    ),
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
    # a monitoring report: one URL per action
    path(REPORT, views.report_detail, name="report_detail"),
    path(f"{REPORT}salva/", views.report_save, name="report_save"),
    path(f"{REPORT}invia/", views.report_submit, name="report_submit"),
    path(f"{REPORT}approva/", views.report_approve, name="report_approve"),
    path(f"{REPORT}restituisci/", views.report_return, name="report_return"),
    path("monitoraggio/bandi/<slug:code>/target/", views.call_targets, name="call_targets"),
    path(
        "monitoraggio/domande/<int:pk>/target/",
        application_views.application_targets,
        name="application_targets",
    ),
]
