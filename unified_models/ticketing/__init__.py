"""The ticketing category: tickets, comments, collections, tags, attachments, teams, accounts and contacts."""

from unified_models.ticketing.account import Account
from unified_models.ticketing.attachment import Attachment
from unified_models.ticketing.collection import Collection, CollectionType
from unified_models.ticketing.comment import Comment, CommentCreate, NewComment
from unified_models.ticketing.contact import Contact
from unified_models.ticketing.tag import Tag
from unified_models.ticketing.team import Team
from unified_models.ticketing.ticket import Ticket, TicketCreate, TicketPriority, TicketStatus, TicketUpdate

__all__ = [
    "Account",
    "Attachment",
    "Collection",
    "CollectionType",
    "Comment",
    "CommentCreate",
    "Contact",
    "NewComment",
    "Tag",
    "Team",
    "Ticket",
    "TicketCreate",
    "TicketPriority",
    "TicketStatus",
    "TicketUpdate",
]
