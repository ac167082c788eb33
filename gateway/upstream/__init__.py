"""Calling providers: credentials applied from the catalog, the shared outbound client, errors classified."""
