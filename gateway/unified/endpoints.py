"""The unified endpoints as ``Endpoint`` declarations (route, input and output models for /openapi.json)."""

from __future__ import annotations

from gateway.api.endpoint import Endpoint
from gateway.unified import reference, routes, scripts
from gateway.unified.params import (
    AttachmentListParams,
    CollectionScopedParams,
    CommentItem,
    CommentPage,
    ItemEnvelope,
    ItemParams,
    ListEnvelope,
    ListParams,
    NewComment,
    TicketItem,
    TicketListParams,
    TicketPage,
)
from unified_models import (
    Account,
    Attachment,
    Collection,
    Contact,
    RemoteObject,
    Tag,
    Team,
    TicketCreate,
    TicketUpdate,
    User,
)

TAG = "unified"
HEADERS = (
    "The connection is named by the `Connection-Id` and `Provider-Config-Key` headers. Ticket ids contain `/` and "
    "`#` (GitHub `owner/repo#42`): percent-encode `#` as `%23` in the path."
)
ERRORS = (400, 404, 422, 424, 429, 501, 502)
CONNECTION = (
    ("Connection-Id", "The connection to call through"),
    ("Provider-Config-Key", "The integration (unique key) the connection belongs to"),
)

#: Resources served read-only: (name, model, list query, what the list holds).
READ_ONLY: list[tuple[str, type[RemoteObject], type[ListParams], str]] = [
    ("collections", Collection, ListParams, "collections (projects, repositories, lists)"),
    ("users", User, CollectionScopedParams, "users"),
    ("tags", Tag, CollectionScopedParams, "tags (labels)"),
    ("teams", Team, ListParams, "teams (groups of agents)"),
    ("accounts", Account, ListParams, "accounts (customer organizations)"),
    ("contacts", Contact, ListParams, "contacts (the people tickets come from)"),
    ("attachments", Attachment, AttachmentListParams, "attachments (files on tickets)"),
]


def _read_only_endpoints() -> list[Endpoint]:
    endpoints = []
    for name, model, params, holds in READ_ONLY:
        endpoints += [
            Endpoint(
                "GET",
                f"/{name}",
                routes.lister(name),
                f"List {holds}",
                TAG,
                query=params,
                response=ListEnvelope[model],  # type: ignore[valid-type]
                errors=ERRORS,
                description=HEADERS,
                headers=CONNECTION,
            ),
            Endpoint(
                "GET",
                f"/{name}/{{id:path}}",
                routes.getter(name),
                f"Get one of the {name}",
                TAG,
                query=ItemParams,
                response=ItemEnvelope[model],  # type: ignore[valid-type]
                errors=ERRORS,
                description=HEADERS,
                headers=CONNECTION,
            ),
        ]
    return endpoints


READ_ONLY_ENDPOINTS = _read_only_endpoints()

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
        headers=CONNECTION,
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
        headers=CONNECTION,
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
        headers=CONNECTION,
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
        headers=CONNECTION,
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
        headers=CONNECTION,
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
        headers=CONNECTION,
    ),
    *READ_ONLY_ENDPOINTS,
    *reference.ENDPOINTS,
    *scripts.ENDPOINTS,
]
