"""Actions in the Scripts listing and the reference: name, description, input and output JSON Schema, class."""

from __future__ import annotations

from pathlib import Path

from tests.actions.doer import doer_gateway


async def test_the_scripts_listing_has_the_actions(tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9") as (_, client):
        answer = await client.get("/integrations/doer-prod/scripts")
    assert answer.status_code == 200, answer.text
    actions = {s["name"]: s for s in answer.json()["data"]["scripts"] if s["type"] == "action"}
    assert set(actions) == {"add-labels", "call", "bad-output", "crash", "unsupported", "echo", "huge"}
    labels = actions["add-labels"]
    assert labels["description"] == "Add labels to an issue."
    assert labels["action_class"] == "tests.actions.doer.AddLabels" and labels["route"] == "POST /action/trigger"
    assert labels["input_schema"]["required"] == ["issue", "labels"]
    assert labels["output_schema"]["title"] == "LabelsOutput"
    assert actions["echo"]["input_schema"] is None and actions["echo"]["output_schema"] is None


async def test_the_reference_lists_the_actions(tmp_path: Path) -> None:
    async with doer_gateway(tmp_path, "http://127.0.0.1:9") as (_, client):
        data = (await client.get("/integrations/doer-prod/reference")).json()["data"]
        page = await client.get("/reference/doer")
    refs = {a["name"]: a for a in data["actions"]}
    assert refs["add-labels"]["implemented_by"] == "tests.actions.doer.AddLabels"
    assert refs["add-labels"]["input_schema"]["title"] == "LabelsInput"
    assert page.status_code == 200
    assert '<section id="actions">' in page.text
    assert "<code>add-labels</code></td><td>Add labels to an issue.</td>" in page.text
    assert "issue, labels" in page.text
