from django.urls import path

from . import officer_views, views

app_name = "applications"
urlpatterns = [
    path("domande/", views.application_list, name="application_list"),
    path("domande/<int:pk>/", views.application_detail, name="application_detail"),
    path("domande/<int:pk>/sezioni/<slug:section>/", views.save_section, name="save_section"),
    path(
        "domande/<int:pk>/partner/<int:partner_pk>/reinvia-invito/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("domande/<int:pk>/invia/", views.application_submit, name="application_submit"),
    path("domande/<int:pk>/inviata/", views.application_submitted, name="application_submitted"),
    path("domande/<int:pk>/ricevuta.pdf", views.application_receipt, name="application_receipt"),
    path("domande/<int:pk>/ritira/", views.application_withdraw, name="application_withdraw"),
    path(
        "domande/<int:pk>/documenti/<int:document_pk>/",
        views.application_document,
        name="application_document",
    ),
    path("partenariati/", views.partnerships, name="partnerships"),
    path("bandi/<slug:code>/partecipa/", views.participate, name="participate"),
    path("bandi/<slug:code>/domande/", views.officer_application_list, name="officer_application_list"),
    path(
        "bandi/<slug:code>/domande/<int:pk>/",
        views.officer_application_detail,
        name="officer_application_detail",
    ),
    path(
        "bandi/<slug:code>/domande/esporta.xlsx",
        officer_views.officer_application_export,
        name="officer_application_export",
    ),
    path(
        "bandi/<slug:code>/domande/<int:pk>/segnatura.xml",
        officer_views.officer_application_segnatura,
        name="officer_application_segnatura",
    ),
    path(
        "bandi/<slug:code>/domande/<int:pk>/documenti/<int:document_pk>/",
        officer_views.officer_document_download,
        name="officer_document_download",
    ),
    path(
        "bandi/<slug:code>/domande/archivi/",
        officer_views.officer_archive_start,
        name="officer_archive_start",
    ),
    path(
        "bandi/<slug:code>/domande/archivi/<int:pk>/",
        officer_views.officer_archive_status,
        name="officer_archive_status",
    ),
    path(
        "bandi/<slug:code>/domande/archivi/<int:pk>/riprova/",
        officer_views.officer_archive_retry,
        name="officer_archive_retry",
    ),
    path(
        "bandi/<slug:code>/domande/archivi/<int:pk>/scarica/",
        officer_views.officer_archive_download,
        name="officer_archive_download",
    ),
]
