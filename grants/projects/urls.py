from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("progetti/", views.project_list, name="project_list"),
    path("progetti/<int:pk>/", views.project_detail, name="project_detail"),
    path("progetti/<int:pk>/atto-di-adesione.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("progetti/<int:pk>/atto-firmato/", views.signed_agreement, name="signed_agreement"),
    path("progetti/<int:pk>/accetta/", views.upload_agreement, name="upload_agreement"),
    path("progetti/<int:pk>/avvio/", views.communicate_start, name="communicate_start"),
    path("progetti/<int:pk>/variazione/", views.request_variation, name="request_variation"),
    path("progetti/<int:pk>/partenariato/", views.request_partner_change, name="request_partner_change"),
    path("progetti/<int:pk>/proroga/", views.request_extension, name="request_extension"),
    path("progetti/<int:pk>/rinuncia/", views.renounce, name="renounce"),
    path("progetti/<int:pk>/cup/", views.assign_cup, name="assign_cup"),
    path(
        "progetti/<int:pk>/traguardi/<int:milestone_pk>/raggiunto/",
        views.mark_milestone_achieved,
        name="mark_milestone_achieved",
    ),
    path("progetti/<int:pk>/richieste/<int:change_pk>/decisione/", views.decide_change, name="decide_change"),
    path("progetti/<int:pk>/sospensione/", views.suspend_or_resume, name="suspend_or_resume"),
    path("progetti/<int:pk>/revoca/", views.revoke, name="revoke"),
    path("progetti/<int:pk>/conclusione/", views.conclude, name="conclude"),
    path("gestione/progetti/", views.officer_project_list, name="officer_project_list"),
    path("gestione/progetti/esporta.xlsx", views.officer_project_export, name="officer_project_export"),
    path(
        "gestione/progetti/domande/<int:application_pk>/crea/",
        views.create_missing_project,
        name="create_missing_project",
    ),
]
