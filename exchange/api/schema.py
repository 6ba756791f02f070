"""The OpenAPI schema's error answers, which every operation can give."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "type": "object",
    "description": "Each field in error with its messages, or `detail` for a body that is not JSON",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: 401 without a valid token, 404 for a child or PEP
    the token's Virtual School does not have, 400 for input (or a query) that is refused."""
    result.setdefault("components", {}).setdefault("schemas", {})
    result["components"]["schemas"]["Error"] = ERROR
    result["components"]["schemas"]["Invalid"] = INVALID

    def answer(description, schema):
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }

    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if path.endswith("/schema/"):
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", answer("No valid token", "Error"))
            if "{" in path:
                responses.setdefault("404", answer("Not this Virtual School's, or none", "Error"))
            responses.setdefault("400", answer("Refused input", "Invalid"))
    return result
