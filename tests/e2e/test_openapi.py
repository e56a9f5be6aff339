"""The OpenAPI document: every route documented with its request and response models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.api_harness import build_app

ERROR_REF = "#/components/schemas/ErrorBody"


@pytest.fixture(scope="module")
def app_and_schema(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    parts = build_app(Path(tmp_path_factory.mktemp("openapi")))
    return parts.app, parts.app.openapi()


def operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def json_schema(part: dict[str, Any]) -> dict[str, Any]:
    return dict(part["content"]["application/json"]["schema"])


API_ROUTES = {
    ("POST", "/api/admin/experts"),
    ("GET", "/api/admin/experts"),
    ("GET", "/api/admin/experts/{username}"),
    ("GET", "/api/admin/insights"),
    ("GET", "/api/admin/runs"),
    ("GET", "/api/search"),
    ("GET", "/healthz"),
}


def test_every_api_route_is_in_the_schema_with_a_typed_success_response(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    app, schema = app_and_schema
    ops = operations(schema)
    assert set(ops) == API_ROUTES
    client = TestClient(app)
    for method, path in API_ROUTES:  # each documented route is really served (not a 404/405)
        response = client.request(method, path.replace("{username}", "someone"))
        assert response.json().get("error", {}).get("code") not in (
            "not_found",
            "method_not_allowed",
        )
    for key, op in ops.items():
        assert op.get("summary"), f"{key} has no summary"
        assert op["operationId"].isidentifier()
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, key
        assert json_schema(op["responses"][success[0]])["$ref"].startswith("#/components/schemas/")


def test_every_error_response_is_documented_with_the_one_error_shape(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    _, schema = app_and_schema
    for key, op in operations(schema).items():
        for code, response in op["responses"].items():
            if code.startswith("2") or key[1] == "/healthz":
                continue
            assert json_schema(response) == {"$ref": ERROR_REF}, (key, code)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_models_one_per_role_are_named_in_the_schema(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    _, schema = app_and_schema
    components = schema["components"]["schemas"]
    for name in (
        "ExpertCreate",
        "ExpertPublic",
        "ExpertCreated",
        "ExpertPage",
        "SearchHitPublic",
        "SearchResults",
        "ErrorBody",
        "Health",
    ):
        assert name in components
    ops = operations(schema)
    create = ops[("POST", "/api/admin/experts")]
    assert create["requestBody"]["required"] is True
    assert json_schema(create["requestBody"]) == {"$ref": "#/components/schemas/ExpertCreate"}
    assert json_schema(create["responses"]["201"]) == {"$ref": "#/components/schemas/ExpertCreated"}
    assert {"409", "413", "422", "401", "503"} <= set(create["responses"])
    assert components["ExpertCreate"]["required"] == ["username"]
    assert components["ExpertCreate"]["additionalProperties"] is False
    tagging = components["ExpertCreated"]["properties"]["tagging"]
    assert set(tagging["enum"]) == {"tagged", "no_bio", "retry_scheduled"}
    listing = ops[("GET", "/api/admin/experts")]
    assert json_schema(listing["responses"]["200"]) == {"$ref": "#/components/schemas/ExpertPage"}
    search = ops[("GET", "/api/search")]
    assert json_schema(search["responses"]["200"]) == {"$ref": "#/components/schemas/SearchResults"}
    hits = components["SearchResults"]["properties"]["hits"]["items"]
    assert hits == {"$ref": "#/components/schemas/SearchHitPublic"}


def test_parameters_and_their_bounds_are_documented(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    _, schema = app_and_schema
    ops = operations(schema)
    listing = {p["name"]: p for p in ops[("GET", "/api/admin/experts")]["parameters"]}
    assert set(listing) == {
        "offset",
        "limit",
        "state",
        "sort",
        "order",
        "tag",
        "min_findability",
        "findability_below",
        "missing",
    }
    assert (listing["limit"]["schema"]["minimum"], listing["limit"]["schema"]["maximum"]) == (
        1,
        200,
    )
    search = {p["name"]: p for p in ops[("GET", "/api/search")]["parameters"]}
    assert search["q"]["required"] is True
    assert (search["q"]["schema"]["minLength"], search["q"]["schema"]["maxLength"]) == (1, 500)
    assert (search["k"]["schema"]["minimum"], search["k"]["schema"]["maximum"]) == (1, 50)
    components = schema["components"]["schemas"]
    assert set(components["StateFilter"]["enum"]) == {
        "tagged",
        "untagged",
        "failed",
        "no_bio",
        "pending",
    }
    assert set(components["ExpertSort"]["enum"]) == {"id", "findability", "name"}


def test_admin_routes_declare_the_admin_key_and_public_ones_do_not(
    app_and_schema: tuple[Any, dict[str, Any]],
) -> None:
    _, schema = app_and_schema
    scheme = schema["components"]["securitySchemes"]["AdminKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Admin-Key")
    for (method, path), op in operations(schema).items():
        if path.startswith("/api/admin/"):
            assert op["security"] == [{"AdminKey": []}], (method, path)
        else:
            assert "security" not in op, (method, path)
