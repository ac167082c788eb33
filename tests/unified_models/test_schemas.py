"""JSON Schema export: every public model, schemas that accept real instances and refuse bad ones, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import unified_models
from tests.unified_models.examples import all_inputs, all_objects, dump, ticket_page
from unified_models.schemas import NOT_EXPORTED, export_json_schemas, file_name, main, public_models

SCHEMAS = export_json_schemas()


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = SCHEMAS[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_public_model_has_a_schema() -> None:
    expected = {m.__name__ for m in public_models() if m not in NOT_EXPORTED}
    resources = {m.__name__ for m in public_models() if issubclass(m, unified_models.RemoteObject)} - {"RemoteObject"}
    expected |= {f"Page[{name}]" for name in resources}
    assert set(SCHEMAS) == expected
    assert {"Ticket", "TicketCreate", "TicketUpdate", "Comment", "CommentCreate", "User", "Page[Ticket]"} <= expected
    for name, schema in SCHEMAS.items():
        assert schema["title"] == name and schema["type"] == "object" and schema["additionalProperties"] is False
        assert schema.get("description"), name


def test_schemas_are_json() -> None:
    assert json.loads(json.dumps(SCHEMAS)) == SCHEMAS


@pytest.mark.parametrize("obj", [*all_objects(), *all_inputs()], ids=lambda o: type(o).__name__)
def test_examples_validate(obj: Any) -> None:
    validator(type(obj).__name__).validate(dump(obj))


def test_page_example_validates() -> None:
    validator("Page[Ticket]").validate(dump(ticket_page()))


def test_output_schemas_list_every_field_as_present() -> None:
    ticket = SCHEMAS["Ticket"]
    assert set(ticket["required"]) == set(ticket["properties"]) == set(unified_models.Ticket.model_fields)
    assert "required" not in SCHEMAS["TicketUpdate"]
    assert SCHEMAS["TicketCreate"]["required"] == ["name"]


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("TicketCreate", {"name": "x", "labels": []}),
        ("TicketCreate", {"name": "x", "status": "DONE"}),
        ("TicketCreate", {"status": "OPEN"}),
        ("TicketUpdate", {"due_date": "tomorrow"}),
        ("CommentCreate", {"body": "no ticket"}),
    ],
)
def test_schemas_refuse_bad_bodies(name: str, bad: dict[str, Any]) -> None:
    assert not validator(name).is_valid(bad)


def test_schema_refuses_an_object_with_an_extra_field() -> None:
    data = dump(all_objects()[0]) | {"extra": True}
    assert not validator("Ticket").is_valid(data)


def test_main_writes_one_file_per_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "out")]) == 0
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(file_name(name) for name in SCHEMAS)
    assert "Page-Ticket.json" in files
    assert json.loads((tmp_path / "out" / "Ticket.json").read_text()) == SCHEMAS["Ticket"]
    assert f"wrote {len(SCHEMAS)} schemas" in capsys.readouterr().out
    assert main([]) == 2


def test_module_runs_as_a_script(tmp_path: Path) -> None:
    root = Path(unified_models.__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-W", "error", "-m", "unified_models.schemas", str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "TicketUpdate.json").exists()
