from django.urls import path

from . import views

app_name = "evaluation"
CALL = "valutazione/bandi/<slug:code>/"
ASSIGNMENT = "valutazione/assegnazioni/<int:pk>/"
urlpatterns = [
    path("valutazione/bandi/", views.my_calls, name="my_calls"),
    path(CALL, views.call_overview, name="call_overview"),
    path(f"{CALL}personale/", views.call_staff, name="call_staff"),
    path(f"{CALL}personale/aggiungi/", views.call_staff_add, name="call_staff_add"),
    path(f"{CALL}personale/<int:pk>/rimuovi/", views.call_staff_remove, name="call_staff_remove"),
    path(f"{CALL}nucleo/", views.panel_update, name="panel_update"),
    path(f"{CALL}nucleo/componenti/", views.panel_member_add, name="panel_member_add"),
    path(f"{CALL}nucleo/assegna/", views.panel_auto_assign, name="panel_auto_assign"),
    path(f"{CALL}domande/<int:pk>/ammissibilita/", views.admissibility, name="admissibility"),
    path(
        f"{CALL}domande/<int:pk>/ammissibilita/integrazione/",
        views.integration_request,
        name="integration_request",
    ),
    path(
        f"{CALL}domande/<int:pk>/ammissibilita/preavviso-di-rigetto/",
        views.rejection_notice,
        name="rejection_notice",
    ),
    path("valutazione/sportello/", views.desk_calls, name="desk_calls"),
    path(f"{CALL}sportello/", views.desk_queue, name="desk_queue"),
    path(f"{CALL}sportello/esporta.csv", views.desk_queue_csv, name="desk_queue_csv"),
    path(f"{CALL}sportello/determinazione/", views.desk_decision, name="desk_decision"),
    path(f"{CALL}sportello/domande/<int:pk>/preavviso/", views.desk_notice, name="desk_notice"),
    path(
        f"{CALL}sportello/domande/<int:pk>/preavviso/decisione/",
        views.desk_notice_decision,
        name="desk_notice_decision",
    ),
    path(f"{CALL}graduatoria/", views.ranking, name="ranking"),
    path(f"{CALL}graduatoria/calcola/", views.ranking_compute, name="ranking_compute"),
    path(f"{CALL}graduatoria/approva/", views.ranking_approve, name="ranking_approve"),
    path(f"{CALL}graduatoria/rinuncia/", views.ranking_renounce, name="ranking_renounce"),
    path("valutazione/assegnazioni/", views.my_assignments, name="my_assignments"),
    path(ASSIGNMENT, views.assignment_detail, name="assignment_detail"),
    path(f"{ASSIGNMENT}dichiarazione/", views.assignment_declare, name="assignment_declare"),
    path(f"{ASSIGNMENT}salva/", views.assignment_save, name="assignment_save"),
    path(f"{ASSIGNMENT}invia/", views.assignment_submit, name="assignment_submit"),
    path(f"{ASSIGNMENT}documenti/<int:document_pk>/", views.assignment_document, name="assignment_document"),
    path("valutazione/consenso/", views.consensus_list, name="consensus_list"),
    path("valutazione/consenso/<int:pk>/", views.consensus, name="consensus"),
    path("integrazioni/<int:pk>/", views.integration_answer, name="integration_answer"),
    path("integrazioni/documenti/<int:pk>/", views.integration_document, name="integration_document"),
    path("preavvisi-di-rigetto/<int:pk>/", views.rejection_observations, name="rejection_observations"),
    path("domande/<int:pk>/progetto-esecutivo/", views.executive_project, name="executive_project"),
]
