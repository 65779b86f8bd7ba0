"""The team hub: an HTTP API over the global event log, blobs, leases and users.

`create_app` builds the FastAPI application from an engine and a clock; `cli` holds the
functions the `veil` command line calls; `access` documents who may see and do what.
"""
