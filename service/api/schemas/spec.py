"""spectree on the API's Flask views: each view declares its operation once with ``@operation(...)`` (spectree's
``validate``): the models of its body and query, its answers per status. From those declarations come the
checks of requests and answers and the OpenAPI document (``document.py``).

A request is checked against its models when the view reads it (``checked_body`` / ``checked_query``, called
by ``views.body()`` and the views' query readers), not before the view runs: who the caller is is said first
(401) and, where the view checks the role before it reads the body, what their role may do (403); only then
what is wrong with the input (422).
An answer is checked after the view and sent as its model serialises it: no field the model does not list
leaves the service.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any, TypeVar

from flask import Response as FlaskResponse
from flask import current_app, request
from pydantic import BaseModel, ValidationError
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from spectree.plugins.flask_plugin import FlaskPlugin

from .plain_words import refusal

M = TypeVar("M", bound=BaseModel)
View = TypeVar("View", bound=Callable[..., Any])

JSON = "application/json"
BEARER: dict[str, list[str]] = {"bearer": []}
# The variable of an address that names the thing the address is about is documented as {id}.
_DOCUMENTED_AS_ID = {("cases", "case_id"), ("tasks", "task_id"), ("drafts", "draft_id"),
                     ("secure-links", "disclosure_id")}


class AnswerDoesNotMatch(RuntimeError):
    """A view's answer that its response model does not take: a fault of the service, never sent."""


class _Plugin(FlaskPlugin):
    """spectree's Flask plugin, with the request checks left to the view (see the module's words) and no
    pages of its own (the API serves its document and reference page itself)."""

    def register_route(self, app: Any) -> None:
        return None

    def request_validation(self, request: Any, query: Any, json: Any, form: Any, headers: Any,
                           cookies: Any) -> None:
        request.context = None

    def validate_response(self, resp: Any, resp_model: Response | None, skip_validation: bool,
                          force_resp_serialize: bool) -> tuple[Any, ValidationError | None]:
        """JSON answers are checked and sent as their model serialises them; others (a PDF, a diagram) as
        they are."""
        payload = resp[0] if isinstance(resp, tuple) else resp
        if isinstance(payload, FlaskResponse) and payload.mimetype != JSON:
            return current_app.make_response(resp), None
        response, error = super().validate_response(resp, resp_model, skip_validation, force_resp_serialize)
        if not error:
            response.headers["Content-Length"] = str(len(response.get_data()))
        return response, error

    def parse_path(self, route: Any, path_parameter_descriptions: Any) -> tuple[str, list[Any]]:
        path, parameters = super().parse_path(route, path_parameter_descriptions)
        segments = path.split("/")
        for before, segment in pairwise(segments):
            name = segment.strip("{}")
            if segment.startswith("{") and (before, name) in _DOCUMENTED_AS_ID:
                path = path.replace(segment, "{id}")
                for parameter in parameters:
                    if parameter["name"] == name:
                        parameter["name"] = "id"
        return path, parameters


def _after(req: Any, resp: Any, error: ValidationError | None, instance: Any) -> None:
    if error is not None:
        raise AnswerDoesNotMatch(f"the answer of {req.method} {req.path} does not match its model: {error}")


_NAMED: dict[str, type[BaseModel]] = {}


def _name_of(model: type[BaseModel]) -> str:
    """A model's name in the document: its class name, which no other model of the API may have."""
    if _NAMED.setdefault(model.__name__, model) is not model:
        raise TypeError(f"two models of the API are called {model.__name__}: the document would mix them up")
    return model.__name__


spec = SpecTree(
    "flask", backend=_Plugin, after=_after, annotations=False, mode="strict",
    naming_strategy=_name_of, nested_naming_strategy=lambda parent, child: child,
    title="Safeguarding information sharing", version="1.0", openapi_version="3.1.0",
    description="Decide, record and share information about a child, step by step. "
                "Sign in with POST /api/tokens, then send `Authorization: Bearer <token>`.",
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData.model_validate(
        {"type": "http", "scheme": "bearer"}))],
)


def operation(*, resp: Response, json: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              security: list[dict[str, list[str]]] | None = None, body_optional: bool = False,
              raw: dict[str, str] | None = None, xml_body: bool = False) -> Callable[[View], View]:
    """Declare one API operation on its view (under the route decorator): its body and query models, its
    answers (``answers(...)``), who may call it (a bearer token unless ``security=[]``).

    ``body_optional``: the body may be left out. ``raw``: answers that are not JSON, status to media type
    (a PDF, a diagram). ``xml_body``: the body may also be a raw diagram (application/xml)."""
    def declare(view: View) -> View:
        # spectree adds a model for its own validation error's status unless one is there: the requests are
        # checked by the views (see the module's words), so it is pointed at a status already declared.
        declared_status = next(int(code.removeprefix("HTTP_")) for code in resp.code_models)
        declared = spec.validate(json=json, query=query, resp=resp, force_resp_serialize=True,
                                 security=[BEARER] if security is None else security,
                                 validation_error_status=declared_status)(view)
        declared.body_model, declared.query_model = json, query
        declared.body_optional, declared.raw_answers, declared.xml_body = body_optional, raw or {}, xml_body
        return declared  # type: ignore[no-any-return]
    return declare


def _declared(attribute: str) -> type[BaseModel] | None:
    view = current_app.view_functions.get(request.endpoint or "")
    found: type[BaseModel] | None = getattr(view, attribute, None)
    return found


def checked_body(data: dict[str, Any]) -> dict[str, Any]:
    """The body, once its operation's model takes it (else 422 in plain words naming the field)."""
    model = _declared("body_model")
    if model is not None:
        checked(model, data)
    return data


def checked_query(model: type[M]) -> M:
    """The query of this request as its operation's model reads it (else 422 in plain words)."""
    if _declared("query_model") is not model:
        raise LookupError(f"{request.endpoint} does not declare the query model {model.__name__}")
    return checked(model, request.args.to_dict())


def checked(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise refusal(model, exc) from None
