"""Authorising connections: connect sessions, browser flows per auth mode, verification and token refresh."""
