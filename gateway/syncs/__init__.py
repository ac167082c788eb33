"""Syncs: provider data copied into the records cache on a schedule, run by the embedded job loop."""
