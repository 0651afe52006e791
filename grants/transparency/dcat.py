"""DCAT-AP_IT metadata of the open datasets, as JSON-LD (the Italian profile of DCAT-AP, the one
dati.gov.it harvests): one ``dcatapit:Dataset`` per dataset with a distribution per format, the CC BY 4.0
licence, publisher and rights holder (the Region, by its IPA code) and a contact point; and the catalogue.

The publisher is configurable (``OPEN_DATA_PUBLISHER_NAME``, ``OPEN_DATA_PUBLISHER_IPA``,
``OPEN_DATA_CONTACT_EMAIL`` in the settings); Regione Piemonte is the default.
"""

from datetime import date

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from grants.core.timeutils import in_rome, now

from . import opendata
from . import public_projects as pp

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/ITA"
FORMAT_CODES = {"csv": "CSV", "json": "JSON", "xlsx": "XLSX"}
ISSUED = date(2026, 1, 1)  # first publication of the datasets by the platform


def publisher() -> dict:
    return {
        "@type": ["dcatapit:Agent", "foaf:Agent"],
        "foaf:name": getattr(settings, "OPEN_DATA_PUBLISHER_NAME", "Regione Piemonte"),
        "dct:identifier": getattr(settings, "OPEN_DATA_PUBLISHER_IPA", "r_piemon"),
    }


def contact_point() -> dict:
    email = getattr(settings, "OPEN_DATA_CONTACT_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    return {
        "@type": ["dcatapit:Organization", "vcard:Organization"],
        "vcard:fn": getattr(settings, "OPEN_DATA_PUBLISHER_NAME", "Regione Piemonte"),
        "vcard:hasEmail": {"@id": f"mailto:{email}"},
    }


def licence() -> dict:
    return {
        "@id": opendata.LICENCE_URL,
        "@type": "dcatapit:LicenseDocument",
        "foaf:name": opendata.LICENCE_TITLE,
    }


def last_modified() -> date:
    """The day the public projects last changed (the data is generated live from them)."""
    moment = pp.public_projects().aggregate(latest=Max("updated_at"))["latest"]
    return in_rome(moment).date() if moment else in_rome(now()).date()


def dataset_metadata(dataset: opendata.Dataset, base_url: str, *, modified: date | None = None) -> dict:
    page = base_url + reverse("transparency:opendata")
    identifier = f"{publisher()['dct:identifier']}:wecare-{dataset.slug}"
    modified = modified or last_modified()
    distributions = [
        {
            "@id": base_url + reverse("transparency:opendata_download", args=[dataset.slug, extension]),
            "@type": "dcatapit:Distribution",
            "dct:title": f"{dataset.title} ({FORMAT_CODES[extension]})",
            "dct:format": {"@id": EU_FILE_TYPE + FORMAT_CODES[extension]},
            "dcat:mediaType": opendata.CONTENT_TYPES[extension].split(";")[0],
            "dcat:accessURL": {"@id": page},
            "dcat:downloadURL": {
                "@id": base_url + reverse("transparency:opendata_download", args=[dataset.slug, extension])
            },
            "dct:license": licence(),
        }
        for extension in opendata.FORMATS
    ]
    return {
        "@context": CONTEXT,
        "@id": base_url + reverse("transparency:opendata_metadata", args=[dataset.slug]),
        "@type": ["dcatapit:Dataset", "dcat:Dataset"],
        "dct:identifier": identifier,
        "dct:title": str(dataset.title),
        "dct:description": str(dataset.description),
        "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
        "dct:issued": {"@value": ISSUED.isoformat(), "@type": "xsd:date"},
        "dct:language": {"@id": EU_LANGUAGE},
        "dcat:theme": [{"@id": EU_THEME + "GOVE"}, {"@id": EU_THEME + "SOCI"}],
        "dct:accrualPeriodicity": {"@id": EU_FREQUENCY + "DAILY"},
        "dcat:keyword": list(dataset.keywords),
        "dct:publisher": publisher(),
        "dct:rightsHolder": publisher(),
        "dcat:contactPoint": contact_point(),
        "dcat:landingPage": {"@id": page},
        "dct:conformsTo": {
            "@id": base_url + reverse("transparency:opendata") + f"#dizionario-{dataset.slug}"
        },
        "dcat:distribution": distributions,
    }


def catalogue_metadata(base_url: str) -> dict:
    modified = last_modified()
    datasets = []
    for dataset in opendata.DATASETS.values():
        entry = dataset_metadata(dataset, base_url, modified=modified)
        entry.pop("@context")
        datasets.append(entry)
    return {
        "@context": CONTEXT,
        "@id": base_url + reverse("transparency:opendata_catalogue"),
        "@type": ["dcatapit:Catalog", "dcat:Catalog"],
        "dct:title": "WECARE – dati aperti",
        "dct:description": "I dati aperti del programma WECARE: operazioni, progetti, concessioni.",
        "dct:publisher": publisher(),
        "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:date"},
        "dct:language": {"@id": EU_LANGUAGE},
        "foaf:homepage": {"@id": base_url + reverse("transparency:opendata")},
        "dcat:dataset": datasets,
    }
