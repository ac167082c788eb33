"""The REST API: Nango-shaped routes, each declared once with the models OpenAPI is built from."""
