"""The open-data page (datasets, data dictionary, licence), the streamed downloads and the DCAT-AP_IT
metadata. No login; the files hold only public projects and never a natural person's identity."""

from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import dcat, opendata
from . import page_cache as cached
from .project_views import filters_from

JSONLD = "application/ld+json"


def _dataset_or_404(slug: str) -> opendata.Dataset:
    dataset = opendata.DATASETS.get(slug)
    if dataset is None:
        raise Http404("Dataset sconosciuto.")
    return dataset


@require_safe
@cached.static_page
def opendata_page(request):
    context = {
        "datasets": list(opendata.DATASETS.values()),
        "formats": opendata.FORMATS,
        "licence_title": opendata.LICENCE_TITLE,
        "licence_url": opendata.LICENCE_URL,
    }
    return render(request, "transparency/opendata.html", context)


@require_safe
def download(request, slug: str, extension: str):
    """The whole dataset (or the public list's filters, when given), streamed: rows are written as they are
    read, in chunks, so 100,000 projects take bounded memory."""
    dataset = _dataset_or_404(slug)
    if extension not in opendata.FORMATS:
        raise Http404("Formato non disponibile.")
    queryset = opendata.export_queryset(filters_from(request.GET) if request.GET else None)
    name = opendata.filename(dataset, extension)
    if extension == "xlsx":
        response = FileResponse(
            opendata.xlsx_file(dataset, queryset),
            as_attachment=True,
            filename=name,
            content_type=opendata.CONTENT_TYPES["xlsx"],
        )
    else:
        chunks = opendata.csv_chunks if extension == "csv" else opendata.json_chunks
        response = StreamingHttpResponse(
            (text.encode("utf-8") for text in chunks(dataset, queryset)),
            content_type=opendata.CONTENT_TYPES[extension],
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Link"] = f'<{opendata.LICENCE_URL}>; rel="license"'
    return response


@require_safe
def dataset_metadata(request, slug: str):
    dataset = _dataset_or_404(slug)
    base_url = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(
        dcat.dataset_metadata(dataset, base_url),
        content_type=JSONLD,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def catalogue(request):
    base_url = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(
        dcat.catalogue_metadata(base_url), content_type=JSONLD, json_dumps_params={"ensure_ascii": False}
    )
