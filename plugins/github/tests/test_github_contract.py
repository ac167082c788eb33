"""Unigate's provider contract, applied to the GitHub plugin."""

from __future__ import annotations

import unigate_github

from gateway.testing.contract import ProviderContractTests


class TestGitHubContract(ProviderContractTests):
    plugin = unigate_github
    catalog_key = "github"
