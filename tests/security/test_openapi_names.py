"""django-ninja names each schema component after its class: two different schemas with the
same class name in two apps silently become one in /api/v1/openapi.json, and every operation
but one then documents the wrong shape (schemathesis found GET /api/v1/me documenting Find
Help's organization instead of the member's)."""

import importlib
import inspect
import json
import pkgutil
from collections import defaultdict

from ninja import Schema

import beacon


def _api_schemas():
    found = defaultdict(dict)
    for module_info in pkgutil.walk_packages(beacon.__path__, "beacon."):
        name = module_info.name
        if "tests" in name or not name.rsplit(".", 1)[-1].endswith("api"):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                shape = json.dumps(value.model_json_schema(), sort_keys=True)
                found[value.__name__][name] = shape
    return found


def test_api_schema_names_are_unique_unless_identical():
    clashes = {
        name: sorted(modules)
        for name, modules in _api_schemas().items()
        if len(set(modules.values())) > 1
    }
    assert not clashes, (
        "Different API schemas share a class name, so the OpenAPI schema documents only one "
        f"of them; rename one (e.g. prefix it with its app): {clashes}"
    )


def test_the_check_sees_the_api_modules():
    assert {"beacon.accounts.api", "beacon.findhelp.api"} <= {
        module for modules in _api_schemas().values() for module in modules
    }
