"""Discovery of the id-taking pages (URL resolver) and API operations (OpenAPI documents)."""

import re
from dataclasses import dataclass

from django.urls import URLResolver, get_resolver

from .. import urls as security_urls
from .tables import (
    PAGE_CASES,
    PUBLIC_PAGES,
)
from .world import (
    ADMIN_NAMESPACE,
    API_NAMESPACES,
    TOKEN_PARAMETERS,
    URLCONF,
)

# --- discovery -------------------------------------------------------------------------------------------
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(?P<name>\w+)>")


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    parameters: tuple[str, ...]
    namespace: str


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            names = [m["name"] for m in _ROUTE_PARAMETER.finditer(route)]
            names += [m["name"] for m in _REGEX_PARAMETER.finditer(route)]
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield Pattern(name=name, route=route, parameters=tuple(names), namespace=namespace)


def id_taking_pages() -> list[Pattern]:
    return [
        p
        for p in _walk(get_resolver(URLCONF).url_patterns)
        if p.parameters and p.namespace.split(":")[0] not in API_NAMESPACES
    ]


def _schemas(client) -> list[dict]:
    urls = ["/api/v1/openapi.json", *(f"/api/v1{a.openapi_url}" for a in security_urls.EXTRA_APIS)]
    schemas = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        schemas.append(response.json())
    return schemas


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[str, ...]


def id_taking_operations(schemas) -> list[Operation]:
    found = []
    for schema in schemas:
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                names = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
                if names:
                    found.append(Operation(operation["operationId"], method, path, names))
    return found


def _page_classification(pattern: Pattern) -> str:
    if pattern.name in PAGE_CASES:
        return "mapped"
    if pattern.name in PUBLIC_PAGES:
        return "public"
    if set(pattern.parameters) <= TOKEN_PARAMETERS:
        return "token"
    if pattern.namespace == ADMIN_NAMESPACE:
        return "admin"
    return "unknown"
