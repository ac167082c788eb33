"""Unigate's unified models: the shapes the unified endpoints answer and accept, whatever the provider.

Pure pydantic: this package never imports ``gateway``, so plugins and clients can depend on it alone. JSON Schemas
of every public model: ``unified_models.schemas.export_json_schemas()`` or ``python -m unified_models.schemas DIR``.
"""

from unified_models.common import FieldWarning, Page, RemoteObject, UnifiedModel, UtcDatetime
from unified_models.ticketing import (
    Account,
    Attachment,
    Collection,
    CollectionType,
    Comment,
    CommentCreate,
    Contact,
    NewComment,
    Tag,
    Team,
    Ticket,
    TicketCreate,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
)
from unified_models.users import User

__all__ = [
    "Account",
    "Attachment",
    "Collection",
    "CollectionType",
    "Comment",
    "CommentCreate",
    "Contact",
    "NewComment",
    "FieldWarning",
    "Page",
    "RemoteObject",
    "Tag",
    "Team",
    "Ticket",
    "TicketCreate",
    "TicketPriority",
    "TicketStatus",
    "TicketUpdate",
    "UnifiedModel",
    "User",
    "UtcDatetime",
]
