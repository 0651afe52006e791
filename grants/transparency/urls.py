from django.urls import path

from . import ranking_views, views
from .open_urls import urlpatterns as open_patterns

app_name = "transparency"
urlpatterns = [
    path("", views.home, name="home"),
    path("programma/", views.programme_page, name="programme"),
    path("misure/<str:code>/", views.measure_page, name="measure"),
    path("bandi/", views.call_list, name="call_list"),
    path("bandi/<slug:code>/", views.call_detail, name="call_detail"),
    path("bandi/<slug:code>/graduatoria/", ranking_views.ranking_page, name="ranking"),
    path("bandi/<slug:code>/graduatoria.csv", ranking_views.ranking_csv, name="ranking_csv"),
    path("bandi/<slug:code>/graduatoria.pdf", ranking_views.ranking_pdf, name="ranking_pdf"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibilita/", views.accessibility, name="accessibility"),
]
urlpatterns += open_patterns
