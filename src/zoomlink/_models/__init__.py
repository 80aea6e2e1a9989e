"""The value objects behind :mod:`zoomlink.models`, one module per idea.

* ``config``: how zoomlink is set up (the Zoom app, Zoom's hosts, retries);
* ``zoom_values``: Zoom's own values (tokens, users, meetings);
* ``connections``: grants, links and the connections the host app sees;
* ``notifications``: the messages handed to a sink;
* ``validators``: the checks they share.

Import them from :mod:`zoomlink.models` (or :mod:`zoomlink`): these modules are private.
"""
