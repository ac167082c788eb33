"""Unigate's provider contract, applied to the Jira plugin."""

from __future__ import annotations

import unigate_jira

from gateway.testing.contract import ProviderContractTests


class TestJiraContract(ProviderContractTests):
    plugin = unigate_jira
    catalog_key = "jira"
