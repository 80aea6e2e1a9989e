"""What the two example web apps share: the site's own data and its HTML pages.

``examples/fastapi_app`` (async) and ``examples/django_app`` (sync) are the same small booking
site written for each framework; only the framework glue and the zoomlink calls differ.
"""
