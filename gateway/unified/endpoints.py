"""The unified endpoints as ``Endpoint`` declarations (route, input and output models for /openapi.json)."""

from __future__ import annotations

from gateway.api.endpoint import Endpoint
from gateway.unified import reference, routes
from gateway.unified.params import (
    CollectionPage,
    CollectionScopedParams,
    CommentItem,
    CommentPage,
    ItemParams,
    ListParams,
    NewComment,
    TagPage,
    TicketItem,
    TicketListParams,
    TicketPage,
    UserPage,
)
from unified_models import TicketCreate, TicketUpdate

TAG = "unified"
HEADERS = (
    "The connection is named by the `Connection-Id` and `Provider-Config-Key` headers. Ticket ids contain `/` and "
    "`#` (GitHub `owner/repo#42`): percent-encode `#` as `%23` in the path."
)
ERRORS = (400, 404, 422, 501, 502)

ENDPOINTS = [
    Endpoint(
        "GET",
        "/tickets",
        routes.list_tickets,
        "List tickets",
        TAG,
        query=TicketListParams,
        response=TicketPage,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "POST",
        "/tickets",
        routes.create_ticket,
        "Create a ticket",
        TAG,
        body=TicketCreate,
        query=ItemParams,
        response=TicketItem,
        status=201,
        errors=ERRORS,
        description=HEADERS,
    ),
    # comments before the ticket itself: an id may contain "/", so /tickets/{id:path} would match them too
    Endpoint(
        "GET",
        "/tickets/{id:path}/comments",
        routes.list_ticket_comments,
        "List a ticket's comments",
        TAG,
        query=ListParams,
        response=CommentPage,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "POST",
        "/tickets/{id:path}/comments",
        routes.create_ticket_comment,
        "Comment on a ticket",
        TAG,
        body=NewComment,
        query=ItemParams,
        response=CommentItem,
        status=201,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "GET",
        "/tickets/{id:path}",
        routes.get_ticket,
        "Get a ticket",
        TAG,
        query=ItemParams,
        response=TicketItem,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "PATCH",
        "/tickets/{id:path}",
        routes.update_ticket,
        "Update a ticket (only the fields sent)",
        TAG,
        body=TicketUpdate,
        query=ItemParams,
        response=TicketItem,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "GET",
        "/collections",
        routes.list_collections,
        "List collections (projects, repositories)",
        TAG,
        query=ListParams,
        response=CollectionPage,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "GET",
        "/users",
        routes.list_users,
        "List users",
        TAG,
        query=CollectionScopedParams,
        response=UserPage,
        errors=ERRORS,
        description=HEADERS,
    ),
    Endpoint(
        "GET",
        "/tags",
        routes.list_tags,
        "List tags (labels)",
        TAG,
        query=CollectionScopedParams,
        response=TagPage,
        errors=ERRORS,
        description=HEADERS,
    ),
    *reference.ENDPOINTS,
]
