"""JSON Schemas of the public models, by name; ``python -m unified_models.schemas OUTDIR`` writes one file each.

Output models (objects and their pages) are described as Unigate answers them (every field present); input models
(``*Create``, ``*Update``) as Unigate accepts them (optional fields may be left out).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

import unified_models
from unified_models.common import Page, RemoteObject, UnifiedModel

NOT_EXPORTED: frozenset[type[BaseModel]] = frozenset({UnifiedModel, Page})
"""Public classes without a schema of their own: the empty base, and the generic page (exported per resource)."""


def public_models() -> list[type[BaseModel]]:
    """Every public model class of ``unified_models``, in ``__all__`` order."""
    found = (getattr(unified_models, name) for name in unified_models.__all__)
    return [obj for obj in found if isinstance(obj, type) and issubclass(obj, BaseModel)]


def _is_input(model: type[BaseModel]) -> bool:
    return model.__name__.endswith(("Create", "Update"))


def export_json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (draft 2020-12) of every public model, keyed by model name (pages as ``Page[Ticket]``)."""
    schemas: dict[str, dict[str, Any]] = {}
    for model in public_models():
        if model in NOT_EXPORTED:
            continue
        mode: JsonSchemaMode = "validation" if _is_input(model) else "serialization"
        schemas[model.__name__] = model.model_json_schema(mode=mode)
        if issubclass(model, RemoteObject) and model is not RemoteObject:
            page: type[BaseModel] = Page[model]  # type: ignore[valid-type]
            schema = page.model_json_schema(mode="serialization")
            schema.setdefault("description", f"One page of `{model.__name__}` objects, with the next cursor.")
            schemas[f"Page[{model.__name__}]"] = schema
    return dict(sorted(schemas.items()))


def file_name(name: str) -> str:
    """File name for a schema: ``Ticket.json``, ``Page-Ticket.json``."""
    return name.replace("[", "-").replace("]", "") + ".json"


def write_json_schemas(outdir: Path) -> list[Path]:
    """Write every schema to ``outdir`` (created if missing); returns the files written."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in export_json_schemas().items():
        path = outdir / file_name(name)
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m unified_models.schemas OUTDIR``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print("usage: python -m unified_models.schemas OUTDIR", file=sys.stderr)
        return 2
    written = write_json_schemas(Path(args[0]))
    print(f"wrote {len(written)} schemas to {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
