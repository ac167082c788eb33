"""The API catalog: providers.yaml entries in Nango's format, merged from every source and frozen."""

from gateway.catalog.loader import Catalog, CatalogError, load_catalog

__all__ = ["Catalog", "CatalogError", "load_catalog"]
