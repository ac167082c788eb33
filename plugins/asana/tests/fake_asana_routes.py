"""The REST handlers of the Asana fake: users, workspaces, projects, tags, tasks (with tag changes) and stories."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from asana_shapes import Task, stamp
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error

if TYPE_CHECKING:
    from fake_asana import FakeAsana

TASK_LIST_RULE = "Must specify exactly one of project, tag, section, user task list, or assignee + workspace"
READ_ONLY_ON_UPDATE = ("projects", "tags", "workspace", "parent", "memberships")
HELP = (
    "For more information on API status codes and how to handle them, read the docs on errors: "
    "https://developers.asana.com/docs/errors"
)


def errors(status: int, message: str) -> JSONResponse:
    return json_error(status, {"errors": [{"message": message, "help": HELP}]})


def moment(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def api_routes(fake: FakeAsana) -> list[BaseRoute]:
    api = AsanaApi(fake)
    return [
        Route("/users/me", api.me),
        Route("/users", api.users),
        Route("/users/{gid}", api.user),
        Route("/workspaces", api.workspaces),
        Route("/workspaces/{gid}", api.workspace),
        Route("/projects", api.projects),
        Route("/projects/{gid}", api.project),
        Route("/tags", api.tags),
        Route("/tags/{gid}", api.tag),
        Route("/tasks", api.tasks),
        Route("/tasks", api.create_task, methods=["POST"]),
        Route("/tasks/{gid}", api.task),
        Route("/tasks/{gid}", api.update_task, methods=["PUT"]),
        Route("/tasks/{gid}/addTag", api.add_tag, methods=["POST"]),
        Route("/tasks/{gid}/removeTag", api.remove_tag, methods=["POST"]),
        Route("/tasks/{gid}/stories", api.stories),
        Route("/tasks/{gid}/stories", api.create_story, methods=["POST"]),
    ]


class AsanaApi:
    def __init__(self, fake: FakeAsana) -> None:
        self.fake, self.world = fake, fake.world

    async def _data(self, request: Request) -> dict[str, Any] | JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return errors(400, "Could not parse request data, invalid JSON")
        data = body.get("data") if isinstance(body, dict) else None
        return data if isinstance(data, dict) else errors(400, "data: Missing input")

    def _workspace_param(self, request: Request, required: bool) -> str | None | JSONResponse:
        workspace = request.query_params.get("workspace")
        if workspace is None:
            return errors(400, "workspace: Missing input") if required else None
        if workspace not in self.fake._visible(request):
            return self.fake._missing("workspace", workspace)
        return workspace

    # -- users and workspaces -------------------------------------------------------------------------------------
    async def me(self, request: Request) -> Response:
        return self.fake._one(request, self.world.user(self.fake._me(request)))

    async def users(self, request: Request) -> Response:
        workspace = self._workspace_param(request, required=False)
        if isinstance(workspace, Response):
            return workspace
        scope = [workspace] if workspace else self.fake._visible(request)
        found = [u for u in self.world.users.values() if set(u.workspaces) & set(scope)]
        return self.fake._page(request, [self.world.user(u) for u in found])

    async def user(self, request: Request) -> Response:
        gid = request.path_params["gid"]
        item = self.fake._me(request) if gid == "me" else self.world.users.get(gid)
        if item is None:
            return self.fake._missing("user", gid)
        return self.fake._one(request, self.world.user(item))

    async def workspaces(self, request: Request) -> Response:
        found = [self.world.workspaces[w] for w in self.fake._visible(request)]
        return self.fake._page(request, [self.world.workspace(w) for w in found])

    async def workspace(self, request: Request) -> Response:
        gid = request.path_params["gid"]
        if gid not in self.fake._visible(request):
            return self.fake._missing("workspace", gid)
        return self.fake._one(request, self.world.workspace(self.world.workspaces[gid]))

    # -- projects and tags ----------------------------------------------------------------------------------------
    async def projects(self, request: Request) -> Response:
        workspace = self._workspace_param(request, required=True)
        if isinstance(workspace, Response):
            return workspace
        found = [p for p in self.world.projects.values() if p.workspace == workspace]
        return self.fake._page(request, [self.world.project(p) for p in found])

    async def project(self, request: Request) -> Response:
        item = self.world.projects.get(request.path_params["gid"])
        if item is None:
            return self.fake._missing("project", request.path_params["gid"])
        return self.fake._one(request, self.world.project(item))

    async def tags(self, request: Request) -> Response:
        workspace = self._workspace_param(request, required=True)
        if isinstance(workspace, Response):
            return workspace
        found = [t for t in self.world.tags.values() if t.workspace == workspace]
        return self.fake._page(request, [self.world.tag(t) for t in found])

    async def tag(self, request: Request) -> Response:
        item = self.world.tags.get(request.path_params["gid"])
        if item is None:
            return self.fake._missing("tag", request.path_params["gid"])
        return self.fake._one(request, self.world.tag(item))

    # -- tasks ----------------------------------------------------------------------------------------------------
    async def tasks(self, request: Request) -> Response:
        q = request.query_params
        by_assignee = "assignee" in q and "workspace" in q
        chosen = [k for k in ("project", "tag", "section", "user_task_list") if k in q] + (
            ["a+w"] if by_assignee else []
        )
        if len(chosen) != 1 or (("assignee" in q) != ("workspace" in q)):
            return errors(400, TASK_LIST_RULE)
        found = list(self.world.tasks.values())
        if "project" in q:
            if q["project"] not in self.world.projects:
                return self.fake._missing("project", q["project"])
            found = [t for t in found if q["project"] in t.projects]
        elif "tag" in q:
            found = [t for t in found if q["tag"] in t.tags]
        elif by_assignee:
            assignee = self.fake._me(request).gid if q["assignee"] == "me" else q["assignee"]
            found = [t for t in found if t.assignee == assignee and t.workspace == q["workspace"]]
        else:
            return errors(400, "section: Not supported by this fake")
        for name in ("modified_since", "completed_since"):
            if name in q and moment(q[name]) is None:
                return errors(400, f"{name}: Not a valid date-time: {q[name]}")
        if "modified_since" in q:
            since = moment(q["modified_since"])
            found = [t for t in found if moment(t.modified_at) >= since]  # type: ignore[operator]
        if "completed_since" in q:
            since = moment(q["completed_since"])
            found = [t for t in found if not t.completed or moment(t.completed_at or "") >= since]  # type: ignore[operator]
        return self.fake._page(request, [self.world.task(t) for t in found])

    async def task(self, request: Request) -> Response:
        item = self.fake._task(request)
        if item is None:
            return self.fake._missing("task", request.path_params["gid"])
        return self.fake._one(request, self.world.task(item))

    def _apply(self, request: Request, item: Task, data: dict[str, Any]) -> JSONResponse | None:
        """Write the task properties of ``data``; an Asana 400 for a value it refuses."""
        me = self.fake._me(request).gid
        if "resource_subtype" in data and data["resource_subtype"] not in ("default_task", "milestone", "approval"):
            return errors(400, f"resource_subtype: Not a valid enum value: {data['resource_subtype']}")
        if "html_notes" in data and not str(data["html_notes"]).startswith("<body>"):
            return errors(400, "html_notes: XML is invalid: the root element must be <body>")
        if data.get("assignee") is not None and data["assignee"] not in self.world.users:
            return errors(400, f"assignee: Not a recognized ID: {data['assignee']}")
        for name in ("due_on", "due_at"):
            if data.get(name) is not None:
                try:
                    date.fromisoformat(data[name][:10])
                except (TypeError, ValueError):
                    return errors(400, f"{name}: Not a valid date: {data[name]}")
        for name in ("name", "notes", "html_notes", "resource_subtype"):
            if name in data:
                setattr(item, name, str(data[name] or ""))
        if "due_on" in data:
            item.due_on, item.due_at = data["due_on"], None
        if "due_at" in data:
            item.due_at, item.due_on = data["due_at"], (data["due_at"] or "")[:10] or None
        if "assignee" in data and data["assignee"] != item.assignee:
            item.assignee = data["assignee"]
            if item.assignee:
                self.fake.add_story(
                    item, self.world.users[me], f"assigned to {self.world.users[item.assignee].name}", "assigned"
                )
        if "completed" in data and bool(data["completed"]) != item.completed:
            item.completed = bool(data["completed"])
            item.completed_at, item.completed_by = (stamp(), me) if item.completed else (None, None)
            subtype = "marked_complete" if item.completed else "marked_incomplete"
            self.fake.add_story(item, self.world.users[me], subtype.replace("_", " "), subtype)
        item.modified_at = stamp()
        return None

    async def create_task(self, request: Request) -> Response:
        data = await self._data(request)
        if isinstance(data, Response):
            return data
        projects = [str(p) for p in data.get("projects") or []]
        unknown = next((p for p in projects if p not in self.world.projects), None)
        if unknown:
            return errors(400, f"projects: Not a recognized ID: {unknown}")
        parent = self.world.tasks.get(str(data.get("parent")))
        workspace = data.get("workspace") or (self.world.projects[projects[0]].workspace if projects else None)
        workspace = workspace or (parent.workspace if parent else None)
        if workspace is None:
            return errors(400, "workspace: Missing input")
        if workspace not in self.fake._visible(request):
            return errors(400, f"workspace: Not a recognized ID: {workspace}")
        tags = [str(t) for t in data.get("tags") or []]
        unknown = next((t for t in tags if t not in self.world.tags), None)
        if unknown:
            return errors(400, f"tags: Not a recognized ID: {unknown}")
        item = Task(self.fake._gid(), "", workspace, self.fake._me(request).gid, projects, tags)
        item.parent = parent.gid if parent else None
        refused = self._apply(request, item, data)
        if refused is not None:
            return refused
        self.world.tasks[item.gid] = item
        return self.fake._one(request, self.world.task(item), 201)

    async def update_task(self, request: Request) -> Response:
        item = self.fake._task(request)
        if item is None:
            return self.fake._missing("task", request.path_params["gid"])
        data = await self._data(request)
        if isinstance(data, Response):
            return data
        fixed = next((k for k in READ_ONLY_ON_UPDATE if k in data), None)
        if fixed:
            return errors(400, f"{fixed}: Cannot write this property")
        refused = self._apply(request, item, data)
        return refused or self.fake._one(request, self.world.task(item))

    async def _tag_change(self, request: Request, add: bool) -> Response:
        item = self.fake._task(request)
        if item is None:
            return self.fake._missing("task", request.path_params["gid"])
        data = await self._data(request)
        if isinstance(data, Response):
            return data
        tag = str(data.get("tag") or "")
        if tag not in self.world.tags:
            return errors(400, f"tag: Not a recognized ID: {tag}" if tag else "tag: Missing input")
        if add and tag not in item.tags:
            item.tags.append(tag)
        if not add and tag in item.tags:
            item.tags.remove(tag)
        item.modified_at = stamp()
        return JSONResponse({"data": {}})

    async def add_tag(self, request: Request) -> Response:
        return await self._tag_change(request, add=True)

    async def remove_tag(self, request: Request) -> Response:
        return await self._tag_change(request, add=False)

    # -- stories --------------------------------------------------------------------------------------------------
    async def stories(self, request: Request) -> Response:
        item = self.fake._task(request)
        if item is None:
            return self.fake._missing("task", request.path_params["gid"])
        found = [s for s in self.world.stories.values() if s.task == item.gid]
        return self.fake._page(request, [self.world.story(s) for s in found])

    async def create_story(self, request: Request) -> Response:
        item = self.fake._task(request)
        if item is None:
            return self.fake._missing("task", request.path_params["gid"])
        data = await self._data(request)
        if isinstance(data, Response):
            return data
        if "text" in data and "html_text" in data:
            return errors(400, "html_text: You may only specify one of text and html_text")
        if not data.get("text") and not data.get("html_text"):
            return errors(400, "text: Missing input")
        html = data.get("html_text")
        if html is not None and not str(html).startswith("<body>"):
            return errors(400, "html_text: XML is invalid: the root element must be <body>")
        text = str(data.get("text") or str(html).removeprefix("<body>").removesuffix("</body>"))
        story = self.fake.add_story(item, self.fake._me(request), text)
        story.html_text = str(html or f"<body>{text}</body>")
        item.modified_at = stamp()
        return self.fake._one(request, self.world.story(story), 201)
