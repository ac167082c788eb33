"""Running provider actions: one run with its retries (``execute``), stored runs (``runs``), the background
runner that works through them (``runner``). The HTTP routes are ``gateway.actions``."""
