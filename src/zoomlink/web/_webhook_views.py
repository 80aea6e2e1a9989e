"""Zoom's webhook endpoint in Django, Flask or Starlette (FastAPI) with one line (re-exported
by :mod:`zoomlink.web`).

Each function wraps a webhook handler in the framework's own kind of view. The frameworks are
imported when a view is made, so zoomlink does not depend on any of them::

    # Django (urls.py)
    path("zoom/webhooks", django_view(WebhookHandler(link)))

    # Flask
    app.add_url_rule("/zoom/webhooks", view_func=flask_view(WebhookHandler(link)),
                     methods=["POST"])

    # Starlette, FastAPI
    Route("/zoom/webhooks", starlette_endpoint(AsyncWebhookHandler(link)), methods=["POST"])
    app.add_api_route("/zoom/webhooks", starlette_endpoint(handler), methods=["POST"])
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoomlink._async._webhooks import AsyncWebhookHandler
    from zoomlink._sync._webhooks import WebhookHandler

_NAME = "zoomlink_webhook"


def django_view(handler: WebhookHandler) -> Callable[[Any], Any]:
    """A Django view (exempt from CSRF checks, which a webhook cannot pass) that answers Zoom's
    webhook POSTs with `handler`, and other methods with 405."""
    from django.http import HttpResponse, HttpResponseNotAllowed
    from django.views.decorators.csrf import csrf_exempt

    def view(request: Any) -> Any:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        answer = handler.handle(request.headers, request.body)
        return HttpResponse(answer.body, status=answer.status, headers=dict(answer.headers))

    view.__name__ = view.__qualname__ = _NAME
    exempt: Callable[[Any], Any] = csrf_exempt(view)
    return exempt


def flask_view(handler: WebhookHandler) -> Callable[[], Any]:
    """A Flask view function that answers Zoom's webhook POSTs with `handler` (register it with
    ``methods=["POST"]``); other methods get 405."""
    import flask

    def view() -> flask.Response:
        if flask.request.method != "POST":
            return flask.Response(status=405, headers={"Allow": "POST"})
        answer = handler.handle(list(flask.request.headers.items()), flask.request.get_data())
        return flask.Response(answer.body, status=answer.status, headers=list(answer.headers))

    view.__name__ = view.__qualname__ = _NAME
    return view


def starlette_endpoint(handler: AsyncWebhookHandler) -> Callable[[Any], Awaitable[Any]]:
    """A Starlette (and FastAPI) endpoint that answers Zoom's webhook POSTs with `handler`;
    other methods get 405."""
    from starlette.requests import Request
    from starlette.responses import Response

    async def endpoint(request: Request) -> Response:
        if request.method != "POST":
            return Response(status_code=405, headers={"Allow": "POST"})
        answer = await handler.handle(request.headers.items(), await request.body())
        return Response(answer.body, status_code=answer.status, headers=dict(answer.headers))

    endpoint.__name__ = endpoint.__qualname__ = _NAME
    return endpoint
