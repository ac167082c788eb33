"""Property tests: any record Asana's published schemas allow maps to a valid unified model.

Records are generated from the OpenAPI component schemas by ``asana_spec.records`` (``gateway.testing.
schema_strategies``: ``$ref``s inlined a few levels deep, OAS ``nullable`` as null). Each mapper must return a model
that validates again and keeps the record's gid and payload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asana_spec import records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unigate_asana.attachments import to_attachment
from unigate_asana.mapping import to_comment, to_project, to_tag, to_ticket, to_user, to_workspace

from unified_models import Attachment, Collection, Comment, RemoteObject, Tag, Ticket, User

EXAMPLES = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))


def _comment(story: dict[str, Any], provider: str) -> Comment:
    return to_comment(story, "1204000000000001", provider)


# (component, mapper, model, how many `$ref`s are followed one inside another)
MAPPERS: list[tuple[str, Callable[[dict[str, Any], str], RemoteObject], type[RemoteObject], int]] = [
    ("TaskResponse", to_ticket, Ticket, 3),
    ("TaskCompact", to_ticket, Ticket, 5),
    ("StoryResponse", _comment, Comment, 3),
    ("UserResponse", to_user, User, 5),
    ("ProjectResponse", to_project, Collection, 3),
    ("WorkspaceResponse", to_workspace, Collection, 5),
    ("TagResponse", to_tag, Tag, 4),
    ("AttachmentResponse", to_attachment, Attachment, 3),
]


@pytest.mark.parametrize(("schema", "mapper", "model", "depth"), MAPPERS, ids=[m[0] for m in MAPPERS])
def test_every_published_shape_maps_to_a_valid_model(
    schema: str, mapper: Callable[[dict[str, Any], str], RemoteObject], model: type[RemoteObject], depth: int
) -> None:
    strategy = records(schema, depth)

    @EXAMPLES
    @given(record=strategy, provider=st.sampled_from(["asana", "asana-pat"]))
    def check(record: dict[str, Any], provider: str) -> None:
        mapped = mapper(record, provider)
        again = model.model_validate(mapped.model_dump())
        assert again.id == again.remote_id == record["gid"]
        assert again.provider == provider and again.remote_data == record
        if isinstance(again, Ticket):
            assert (again.status is None) == (not isinstance(record.get("completed"), bool))
            assert again.collections == [p["gid"] for p in record.get("projects") or [] if p.get("gid")]
        if isinstance(again, Attachment):
            assert again.ticket == ((record.get("parent") or {}).get("gid") or None)
        if isinstance(again, Tag):
            assert again.name in (record.get("name"), record["gid"])

    check()
