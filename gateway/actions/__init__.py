"""The action routes: ``POST /action/trigger`` and ``GET /action/{id}`` (Nango's shapes). The running itself is
``gateway.action_runs``."""
