from django.urls import path

from . import acting, deminimis_views, views

app_name = "registry"
urlpatterns = [
    path("organizzazioni/", views.organisation_list, name="organisation_list"),
    path("organizzazioni/nuova/", views.organisation_create, name="organisation_create"),
    path("organizzazioni/agisci-per/", acting.switch_acting_organisation, name="acting_switch"),
    path("organizzazioni/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organizzazioni/<int:pk>/modifica/", views.organisation_update, name="organisation_update"),
    path(
        "organizzazioni/<int:pk>/abilitazioni/<int:membership_pk>/revoca/",
        views.membership_revoke,
        name="membership_revoke",
    ),
    path("organizzazioni/<int:pk>/de-minimis/", deminimis_views.de_minimis, name="de_minimis"),
    path(
        "organizzazioni/<int:pk>/de-minimis/aiuti/",
        deminimis_views.declare_aid,
        name="de_minimis_declare_aid",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/visura-rna/",
        deminimis_views.import_visura,
        name="de_minimis_import_visura",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/collegamenti/",
        deminimis_views.declare_link,
        name="de_minimis_declare_link",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/aiuti/<int:aid_pk>/elimina/",
        deminimis_views.declared_aid_remove,
        name="declared_aid_remove",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/collegamenti/<int:link_pk>/termina/",
        deminimis_views.undertaking_link_end,
        name="undertaking_link_end",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/collegamenti/<int:link_pk>/conferma/",
        deminimis_views.undertaking_link_confirm,
        name="undertaking_link_confirm",
    ),
    path(
        "organizzazioni/<int:pk>/de-minimis/collegamenti/<int:link_pk>/rifiuta/",
        deminimis_views.undertaking_link_refuse,
        name="undertaking_link_refuse",
    ),
]
