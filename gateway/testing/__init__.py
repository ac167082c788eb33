"""Test support shipped with Unigate: loopback servers, fixtures and contract tests for plugin authors."""
