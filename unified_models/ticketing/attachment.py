"""Files attached to tickets or comments."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class Attachment(RemoteObject):
    """A file attached to a ticket or a comment."""

    file_name: str | None = Field(default=None, description="File name as uploaded")
    file_url: str | None = Field(
        default=None, description="URL to download the file (may need the connection's credentials, or expire)"
    )
    content_type: str | None = Field(default=None, description="MIME type, e.g. `image/png`")
    uploaded_by: str | None = Field(default=None, description="Id of the `User` who uploaded it")
    ticket: str | None = Field(default=None, description="Id of the `Ticket` it is attached to")
    comment: str | None = Field(default=None, description="Id of the `Comment` it came with, if any")
