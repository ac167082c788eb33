"""Unified endpoints: one API for tickets, comments, collections, users and tags, whatever the provider.

``routes`` holds the handlers, ``endpoints.ENDPOINTS`` their declarations, ``context`` builds the provider context
of a connection, ``cursors`` wraps provider cursors so callers cannot forge them.
"""
