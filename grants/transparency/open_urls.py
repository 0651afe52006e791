"""URLs of the funded projects, grants publication, open data, accompaniment and knowledge base (appended
to the transparency namespace by urls.py)."""

from django.urls import path

from . import accompaniment_views, knowledge_views, opendata_views, project_views

urlpatterns = [
    path("progetti-finanziati/", project_views.project_list, name="project_list"),
    path("progetti-finanziati/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("trasparenza/sovvenzioni/", project_views.grant_publication, name="grant_publication"),
    path("dati-aperti/", opendata_views.opendata_page, name="opendata"),
    path("dati-aperti/catalogo.jsonld", opendata_views.catalogue, name="opendata_catalogue"),
    path(
        "dati-aperti/<slug:slug>/metadati.jsonld", opendata_views.dataset_metadata, name="opendata_metadata"
    ),
    path("dati-aperti/<slug:slug>.<str:extension>", opendata_views.download, name="opendata_download"),
    path("accompagnamento/", accompaniment_views.activity_list, name="activity_list"),
    path("accompagnamento/<int:pk>/", accompaniment_views.activity_detail, name="activity_detail"),
    path(
        "accompagnamento/materiali/<int:pk>/", accompaniment_views.material_download, name="material_download"
    ),
    path("gestione/accompagnamento/", accompaniment_views.staff_activity_list, name="staff_activity_list"),
    path("gestione/accompagnamento/nuova/", accompaniment_views.activity_create, name="activity_create"),
    path(
        "gestione/accompagnamento/<int:pk>/modifica/",
        accompaniment_views.activity_update,
        name="activity_update",
    ),
    path(
        "gestione/accompagnamento/<int:pk>/materiali/",
        accompaniment_views.material_upload,
        name="material_upload",
    ),
    path("esperienze/", knowledge_views.knowledge_list, name="knowledge_list"),
    path("esperienze/<int:pk>/", knowledge_views.knowledge_detail, name="knowledge_detail"),
    path("esperienze/<int:pk>/replica/", knowledge_views.declare_interest, name="declare_interest"),
    path("esperienze/le-mie-schede/", knowledge_views.my_sheets, name="my_sheets"),
    path("esperienze/progetto/<int:project_pk>/scheda/", knowledge_views.sheet_edit, name="sheet_edit"),
    path("gestione/esperienze/", knowledge_views.review_list, name="review_list"),
    path("gestione/esperienze/<int:pk>/", knowledge_views.review_sheet, name="review_sheet"),
]
