"""Runnable examples: scripts (``python examples/first_meeting.py``) and two web apps
(``python -m examples.fastapi_app``, ``python -m examples.django_app``)."""
