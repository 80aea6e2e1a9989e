"""A small booking site in Django with zoomlink (sync): connect Zoom, book, reschedule, cancel.

The same site as ``examples/fastapi_app``, as a one-settings-module Django project: hosts
connect their Zoom account (or, as organisation owner, the organisation's) on their settings
page, choose where each event type takes place, and clients book free times; each booking gets
its own Zoom meeting. Zoom's webhooks arrive at ``/zoom/webhooks``.

Run it against the fake Zoom with ``python -m examples.django_app`` (see ``__main__``), or
against Zoom with ``ZOOMLINK_*`` variables set (docs/django.md).
"""
