"""A faithful, stateful fake of Zoom's OAuth, REST API and webhooks, for tests.

See docs/fake-zoom.md. The fake speaks only Zoom's wire format and imports nothing private of
zoomlink, so it cannot share the client's bugs.
"""

from ._clock import FakeClock
from ._delivery import DeliverySwitches
from ._fake import FakeZoom
from ._records import FakeApp, FakeUser, JournalEntry, WebhookDelivery
from ._server import FakeZoomServer
from ._start_links import StartLinkError

__all__ = [
    "DeliverySwitches",
    "FakeApp",
    "FakeClock",
    "FakeUser",
    "FakeZoom",
    "FakeZoomServer",
    "JournalEntry",
    "StartLinkError",
    "WebhookDelivery",
]

for _cls in (
    DeliverySwitches,
    FakeApp,
    FakeClock,
    FakeUser,
    FakeZoom,
    FakeZoomServer,
    JournalEntry,
    StartLinkError,
    WebhookDelivery,
):
    _cls.__module__ = __name__
del _cls
