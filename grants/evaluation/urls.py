from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("valutazione/bandi/<slug:code>/", views.call_overview, name="call_overview"),
    path("valutazione/bandi/<slug:code>/nucleo/", views.panel_update, name="panel_update"),
    path(
        "valutazione/bandi/<slug:code>/domande/<int:pk>/ammissibilita/",
        views.admissibility,
        name="admissibility",
    ),
    path("valutazione/bandi/<slug:code>/graduatoria/", views.ranking, name="ranking"),
    path("valutazione/assegnazioni/", views.my_assignments, name="my_assignments"),
    path("valutazione/assegnazioni/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("valutazione/consenso/", views.consensus_list, name="consensus_list"),
    path("valutazione/consenso/<int:pk>/", views.consensus, name="consensus"),
    path("integrazioni/<int:pk>/", views.integration_answer, name="integration_answer"),
    path("domande/<int:pk>/progetto-esecutivo/", views.executive_project, name="executive_project"),
]
