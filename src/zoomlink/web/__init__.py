"""zoomlink in a web framework: the client from settings, the connect views, the webhook
endpoint.

- :class:`WebSettings`: the app's Zoom settings from Django's ``settings.ZOOMLINK`` or the
  ``ZOOMLINK_*`` environment variables, and one client per process built from them.
- :mod:`zoomlink.web.django`: ``ZoomViews`` (connect, callback, webhooks) and ``get_zoomlink``.
- :mod:`zoomlink.web.starlette`: ``ZoomRoutes``, the same for Starlette and FastAPI.
- Zoom's webhook endpoint alone, with one line in Django, Flask or Starlette (FastAPI)::

      # Django (urls.py)
      path("zoom/webhooks", django_view(WebhookHandler(link)))

      # Flask
      app.add_url_rule("/zoom/webhooks", view_func=flask_view(WebhookHandler(link)),
                       methods=["POST"])

      # Starlette, FastAPI
      Route("/zoom/webhooks", starlette_endpoint(AsyncWebhookHandler(link)), methods=["POST"])
      app.add_api_route("/zoom/webhooks", starlette_endpoint(handler), methods=["POST"])

The frameworks are imported when a view is made, so zoomlink depends on none of them.
"""

from zoomlink.web._settings import WebSettings
from zoomlink.web._webhook_views import django_view, flask_view, starlette_endpoint

__all__ = ["django_view", "flask_view", "starlette_endpoint", "WebSettings"]
