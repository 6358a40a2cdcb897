"""The REST API reference, rendered from the OpenAPI document the app serves.

At build time a throwaway app (SQLite in memory) mounts the extension and the
document is fetched from ``{prefix}/openapi.json`` with its test client, so
the reference is exactly what a running app serves and nothing is written by
hand. The ``statuspages-openapi`` directive renders it (operations by tag,
then every schema); the document itself is written beside the HTML as
``openapi.json``.

:func:`served_document` and :func:`render` need no Sphinx, so the test suite
can check them without the docs extra installed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

PREFIX = "/api/ext/cockpit-pro/status-pages"
_CODE_SPAN = re.compile(r"(?<!`)`([^`]+)`(?!`)")
METHODS = ("get", "post", "put", "patch", "delete")


def served_document() -> dict[str, Any]:
    """The OpenAPI document a freshly mounted app serves at ``{prefix}/openapi.json``."""
    from flask import Flask

    from flask_statuspages import StatusPages

    app = Flask("statuspages_docs")
    app.config.update(
        SECRET_KEY="docs-build",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        STATUSPAGES_QUEUE="inline",
        # Links come only from a configured base URL (never from a request's Host).
        STATUSPAGES_PUBLIC_URL="http://127.0.0.1:5000",
    )
    statuspages = StatusPages(app)
    with app.app_context():
        statuspages.create_all()
    answer = app.test_client().get(f"{PREFIX}/openapi.json")
    if answer.status_code != 200:
        raise RuntimeError(f"{PREFIX}/openapi.json answered {answer.status_code}")
    return answer.get_json()  # type: ignore[no-any-return]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _schema_label(name: str) -> str:
    return f"openapi-schema-{name.lower()}"


def _type(schema: dict[str, Any]) -> str:
    """A short reST description of a schema's type, with links to named schemas."""
    if "$ref" in schema:
        return f":ref:`{_ref_name(schema['$ref'])} <{_schema_label(_ref_name(schema['$ref']))}>`"
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " or ".join(_type(part) for part in schema[combinator])
    kind = schema.get("type", "any")
    if kind == "object" and "properties" in schema:
        fields = ", ".join(f"``{k}`` ({_type(v)})" for k, v in schema["properties"].items())
        return f"object: {fields}"
    if kind == "array":
        kind = f"array of {_type(schema.get('items', {}))}"
    elif "format" in schema:
        kind = f"{kind} ({schema['format']})"
    if schema.get("nullable"):
        kind += " or null"
    return kind


def _bounds(schema: dict[str, Any]) -> str:
    """Enums, lengths, ranges, patterns and defaults, as reST."""
    parts = []
    if "enum" in schema:
        parts.append("one of " + ", ".join(f"``{value}``" for value in schema["enum"]))
    for low, high, what in (
        ("minLength", "maxLength", "length"),
        ("minimum", "maximum", ""),
        ("minItems", "maxItems", "items"),
    ):
        if low in schema and high in schema:
            parts.append(f"{what} {schema[low]}..{schema[high]}".strip())
        elif low in schema:
            parts.append(f"{what} at least {schema[low]}".strip())
        elif high in schema:
            parts.append(f"{what} at most {schema[high]}".strip())
    if "pattern" in schema:
        parts.append(f"pattern ``{schema['pattern']}``")
    if "default" in schema:
        parts.append(f"default ``{json.dumps(schema['default'])}``")
    if schema.get("readOnly"):
        parts.append("read-only")
    if schema.get("writeOnly"):
        parts.append("write-only")
    return "; ".join(parts)


def _one_line(text: str) -> str:
    """``text`` on one line, its Markdown code spans (single backticks) as reST literals."""
    return _CODE_SPAN.sub(r"``\1``", " ".join(text.split()))


def _parameter(param: dict[str, Any]) -> str:
    schema = param.get("schema", {})
    required = ", required" if param.get("required") else ""
    bounds = _bounds(schema)
    line = f"``{param['name']}`` ({param['in']}, {_type(schema)}{required})"
    return f"{line}: {bounds}" if bounds else line


def _responses(document: dict[str, Any], responses: dict[str, Any]) -> list[str]:
    lines = []
    for status, response in responses.items():
        if "$ref" in response:
            code = _ref_name(response["$ref"])
            shared = document["components"]["responses"][code]
            lines.append(f"- **{status}** ``{code}``: {_one_line(shared['description'])}")
            continue
        body = response.get("content", {})
        types = ", ".join(f"``{media}``" for media in body)
        schema = body.get("application/json", {}).get("schema")
        shape = f" {_type(schema)}" if schema else ""
        sep = " " if types or shape else ""
        headers = ", ".join(f"``{name}``" for name in response.get("headers", {}))
        with_headers = f"; headers {headers}" if headers else ""
        description = _one_line(response["description"])
        lines.append(f"- **{status}** {description}{sep}{types}{shape}{with_headers}")
    return lines


def _operation(document: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> list[str]:
    title = f"``{method.upper()} {path}``"
    lines = [f".. _openapi-op-{op['operationId']}:", "", title, "~" * len(title), ""]
    lines += [_one_line(op.get("description") or op.get("summary", "")), ""]
    auth = "a bearer token, or the host's owner loader" if op.get("security") else "none"
    lines += [f"**Authentication:** {auth}", ""]
    params = [_parameter(p) for p in op.get("parameters", [])]
    if params:
        lines += ["**Parameters:**", ""] + [f"- {p}" for p in params] + [""]
    body = op.get("requestBody")
    if body:
        for media, content in body["content"].items():
            required = " (required)" if body.get("required") else ""
            shape = _type(content.get("schema", {}))
            lines += [f"**Body**{required}: ``{media}``, {shape}", ""]
    lines += ["**Responses:**", ""] + _responses(document, op["responses"]) + [""]
    return lines


def _schema(name: str, schema: dict[str, Any]) -> list[str]:
    lines = [f".. _{_schema_label(name)}:", "", name, "~" * len(name), ""]
    if "description" in schema:
        lines += [_one_line(schema["description"]), ""]
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    if not properties:
        return lines + [f"{_type(schema)}.", ""]
    for field, spec in properties.items():
        notes = [n for n in (_bounds(spec), _one_line(spec.get("description", ""))) if n]
        flag = ", required" if field in required else ""
        line = f"- ``{field}`` ({_type(spec)}{flag})"
        lines.append(f"{line}: {'; '.join(notes)}" if notes else line)
    extra = schema.get("additionalProperties")
    if extra is False:
        lines += ["", "No other field is accepted."]
    return lines + [""]


def _heading(text: str, underline: str) -> list[str]:
    return [text, underline * len(text), ""]


def render(document: dict[str, Any]) -> list[str]:
    """The reference as reST lines: operations grouped by tag, then the schemas."""
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, operations in document["paths"].items():
        for method in METHODS:
            if method in operations:
                op = operations[method]
                by_tag.setdefault(op["tags"][0], []).append((path, method, op))
    lines: list[str] = []
    for tag, operations in by_tag.items():
        lines += _heading(tag, "-")
        for path, method, op in operations:
            lines += _operation(document, path, method, op)
    lines += _heading("Schemas", "-")
    for name, schema in sorted(document["components"]["schemas"].items()):
        lines += _schema(name, schema)
    return lines


def setup(app: Any) -> dict[str, Any]:
    """Register the ``statuspages-openapi`` directive and write ``openapi.json``."""
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.nodes import nested_parse_with_titles

    document = served_document()

    class OpenApiDirective(SphinxDirective):
        """Renders the served OpenAPI document in place."""

        def run(self) -> list[Any]:
            from docutils import nodes

            container = nodes.section()
            container.document = self.state.document
            source = self.get_source_info()[0]
            content = StringList(render(document), source=source)
            nested_parse_with_titles(self.state, content, container)
            return container.children

    def write_document(app: Any, exception: Exception | None) -> None:
        if exception is None and app.builder.format == "html":
            target = Path(app.outdir) / "openapi.json"
            target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")

    app.add_directive("statuspages-openapi", OpenApiDirective)
    app.connect("build-finished", write_document)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
