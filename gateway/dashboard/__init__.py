"""The operator's dashboard under ``/dashboard``: server-rendered pages over the same handlers as the REST API.

``dashboard_routes`` is what ``gateway.app`` mounts; it also answers ``GET /`` (browsers go to the dashboard,
API clients keep the JSON 404).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.dashboard import activity_tabs, connections_tab, create, home, info_tabs, integration
from gateway.dashboard.auth import DashboardAuth
from gateway.dashboard.render import STATIC_DIR
from gateway.runtime import Gateway

ONE = "/dashboard/integrations/{key}"


def dashboard_routes(gateway: Gateway) -> list[BaseRoute]:
    auth = DashboardAuth(gateway)
    guard = auth.guard
    pages = [
        ("GET", "/dashboard", home.integrations_page),
        ("POST", "/dashboard/logout", auth.signout),
        ("GET", "/dashboard/integrations/new", create.new_page),
        ("POST", "/dashboard/integrations/new", create.create),
        ("GET", ONE, integration.settings_page),
        ("POST", ONE, integration.save_settings),
        ("GET", ONE + "/delete", integration.delete_page),
        ("POST", ONE + "/delete", integration.delete),
        ("GET", ONE + "/reference", info_tabs.reference_page),
        ("GET", ONE + "/scripts", info_tabs.scripts_page),
        ("GET", ONE + "/connections", connections_tab.connections_page),
        ("GET", ONE + "/connections/{connection_id}/delete", connections_tab.delete_connection_page),
        ("POST", ONE + "/connections/{connection_id}/reconnect", connections_tab.reconnect_link),
        ("POST", ONE + "/connections/{connection_id}/delete", connections_tab.delete_connection),
        ("GET", ONE + "/logs", activity_tabs.logs_page),
        ("GET", ONE + "/syncs", activity_tabs.syncs_page),
        ("POST", ONE + "/syncs/run", activity_tabs.run_sync),
    ]
    return [
        Route("/", home.root, methods=["GET"], include_in_schema=False),
        Route("/dashboard/login", auth.signin_page, methods=["GET"], include_in_schema=False),
        Route("/dashboard/login", auth.signin, methods=["POST"], include_in_schema=False),
        Mount("/dashboard/static", app=StaticFiles(directory=STATIC_DIR), name="dashboard-static"),
        *(Route(path, guard(handler), methods=[method], include_in_schema=False) for method, path, handler in pages),
    ]
