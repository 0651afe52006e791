from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("pagamenti/", views.project_list, name="payments"),
    path("pagamenti/progetti/<int:pk>/", views.project_finance, name="project_finance"),
    path(
        "pagamenti/progetti/<int:pk>/prospetto.<str:fmt>",
        views.project_report,
        name="project_report",
    ),
    path("rendicontazione/domande/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("rendicontazione/allegati/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("controlli/", views.controller_claims, name="controller_claims"),
]
