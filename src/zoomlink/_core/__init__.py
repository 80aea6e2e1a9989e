"""The sans-I/O core: builds Zoom requests and decodes Zoom responses.

Nothing here opens a socket, reads a store, reads the clock or sleeps: time comes in as an
argument, so every rule can be tested with plain values.
"""
