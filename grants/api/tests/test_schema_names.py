"""One name, one schema: the OpenAPI components are keyed by class name, and django-ninja keeps the last of
two classes with the same name (no error), so an operation would publish another operation's shape.

Found by schemathesis: ``GET /finance/projects/{id}/report`` was documented with the monitoring report's
``ReportOut``. Every schema class of the API (nested ones included, e.g. the paginator's ``Input``) must
have a name no other class of the API has.
"""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from pydantic import BaseModel

import grants.api
from grants.api.urls import api


def _models_of(namespace, seen: set) -> list[type[BaseModel]]:
    found = []
    for value in vars(namespace).values():
        if not inspect.isclass(value) or value in seen:
            continue
        if issubclass(value, BaseModel) and value.__module__.startswith("grants.api."):
            seen.add(value)
            found.append(value)
            found.extend(_models_of(value, seen))
        elif value.__module__.startswith("grants.api."):
            found.extend(_models_of(value, seen))  # e.g. the paginator's Input
    return found


def _api_models() -> list[type[BaseModel]]:
    seen: set = set()
    models = []
    for module in pkgutil.walk_packages(grants.api.__path__, prefix="grants.api."):
        if module.name == "grants.api.tests" or module.name.startswith("grants.api.tests."):
            continue
        models.extend(_models_of(importlib.import_module(module.name), seen))  # a context's package too
    return models


def test_every_schema_class_of_the_api_has_its_own_name():
    by_name = defaultdict(list)
    for model in _api_models():
        by_name[model.__name__].append(f"{model.__module__}.{model.__qualname__}")
    assert len(by_name) > 100  # the walk found the API's schemas
    duplicates = {name: places for name, places in by_name.items() if len(places) > 1}
    assert not duplicates


def test_the_finance_report_is_documented_with_its_own_schema():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    response = schema["paths"]["/api/v1/finance/projects/{project_id}/report"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"rows", "total", "paid", "committed"} <= set(component["properties"])
