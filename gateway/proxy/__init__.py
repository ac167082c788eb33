"""The authenticated proxy: ``/proxy/{path}`` forwards a call to the connection's provider with its credentials."""
