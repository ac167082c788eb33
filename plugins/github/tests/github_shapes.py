"""GitHub REST object shapes (users, repositories, issues, labels, comments) for the fake.

Field sets follow the schemas of GitHub's published description (``@octokit/openapi``: ``simple-user``,
``private-user``, ``repository``, ``full-repository``, ``issue``, ``label``, ``issue-comment``) and the objects
recorded in ``@octokit/fixtures`` (``get-repository``, ``paginate-issues``, ``labels``); the fake's tests check both.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

WEB = "https://github.com"
AVATARS = "https://avatars.githubusercontent.com"
DEFAULT_LABELS = {  # a new repository's default labels, as recorded in @octokit/fixtures "labels"
    "bug": ("d73a4a", "Something isn't working"),
    "documentation": ("0075ca", "Improvements or additions to documentation"),
    "duplicate": ("cfd3d7", "This issue or pull request already exists"),
    "enhancement": ("a2eeef", "New feature or request"),
    "good first issue": ("7057ff", "Good for newcomers"),
    "help wanted": ("008672", "Extra attention is needed"),
    "invalid": ("e4e669", "This doesn't seem right"),
    "question": ("d876e3", "Further information is requested"),
    "wontfix": ("ffffff", "This will not be worked on"),
}
REPO_URLS = {  # key -> path below the repository's API URL, as GitHub renders them
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, ident: int) -> str:
    raw = f"{kind}{ident}"
    return base64.b64encode(f"0{len(raw)}:{raw}".encode()).decode()


@dataclass
class User:
    login: str
    id: int
    name: str | None = None
    email: str | None = None
    type: str = "User"
    created_at: str = "2017-10-10T16:00:00Z"


@dataclass
class Issue:
    number: int
    id: int
    title: str
    user: str
    body: str | None = None
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)
    closed_at: str | None = None
    closed_by: str | None = None
    pull_request: bool = False
    reactions: dict[str, int] = field(default_factory=dict)  # "+1", "heart", ... -> count
    lock_reason: str | None = None  # set when locked: "off-topic", "too heated", "resolved", "spam", or ""


@dataclass
class Repo:
    id: int
    owner: User
    name: str
    private: bool = False
    description: str | None = None
    created_at: str = "2017-10-10T16:00:00Z"
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    collaborators: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


def simple_user(api: str, user: User) -> dict[str, Any]:
    base = f"{api}/users/{user.login}"
    return {
        "login": user.login,
        "id": user.id,
        "node_id": node_id("User", user.id),
        "avatar_url": f"{AVATARS}/u/{user.id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{WEB}/{user.login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": user.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def public_user(api: str, user: User, public_repos: int) -> dict[str, Any]:
    """``GET /users/{username}`` (schema ``public-user``)."""
    return {
        **simple_user(api, user),
        "user_view_type": "public",
        "name": user.name,
        "company": None,
        "blog": "",
        "location": None,
        "email": user.email,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": user.created_at,
        "updated_at": user.created_at,
    }


def private_user(api: str, user: User, public_repos: int, private_repos: int) -> dict[str, Any]:
    """``GET /user`` for the token's owner (schema ``private-user``): the public fields and the private ones."""
    return {
        **public_user(api, user, public_repos),
        "user_view_type": "private",
        "notification_email": user.email,
        "private_gists": 0,
        "total_private_repos": private_repos,
        "owned_private_repos": private_repos,
        "disk_usage": 0,
        "collaborators": 0,
        "two_factor_authentication": True,
        "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
    }


def repository(api: str, repo: Repo, *, full: bool = False) -> dict[str, Any]:
    """A repository: list form (schema ``repository``) or ``full=True`` for ``GET /repos/{owner}/{repo}``."""
    url = f"{api}/repos/{repo.full_name}"
    open_count = sum(1 for i in repo.issues if i.state == "open")
    updated = max([repo.created_at, *(i.updated_at for i in repo.issues)])
    data: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": simple_user(api, repo.owner),
        "html_url": f"{WEB}/{repo.full_name}",
        "description": repo.description,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in REPO_URLS.items()},
        "created_at": repo.created_at,
        "updated_at": updated,
        "pushed_at": updated,
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{WEB}/{repo.full_name}.git",
        "svn_url": f"{WEB}/{repo.full_name}",
        "homepage": None,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": None,
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": True,
        "has_pages": False,
        "has_discussions": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": False,
        "disabled": False,
        "open_issues_count": open_count,
        "license": None,
        "allow_forking": True,
        "is_template": False,
        "web_commit_signoff_required": False,
        "topics": [],
        "visibility": "private" if repo.private else "public",
        "forks": 0,
        "open_issues": open_count,
        "watchers": 0,
        "default_branch": "main",
        "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
    }
    if full:
        data.update(temp_clone_token="", network_count=0, subscribers_count=0, allow_squash_merge=True)
        data.update(allow_merge_commit=True, allow_rebase_merge=True, allow_auto_merge=False)
        data.update(delete_branch_on_merge=False, allow_update_branch=False, use_squash_pr_title_as_default=False)
        if repo.owner.type == "Organization":
            data["organization"] = simple_user(api, repo.owner)
    return data


def label(api: str, repo: Repo, name: str) -> dict[str, Any]:
    record = repo.labels[name]
    return {
        "id": record["id"],
        "node_id": node_id("Label", record["id"]),
        "url": f"{api}/repos/{repo.full_name}/labels/{name.replace(' ', '%20')}",
        "name": name,
        "color": record["color"],
        "default": record["default"],
        "description": record["description"],
    }


def reactions(url: str, given: dict[str, int] | None = None) -> dict[str, Any]:
    """The ``reactions`` rollup of an issue or comment: every kind's count (0 unless ``given``) and the total."""
    counts = dict.fromkeys(("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"), 0)
    counts.update(given or {})
    return {"url": f"{url}/reactions", "total_count": sum(counts.values()), **counts}


def issue(api: str, repo: Repo, item: Issue, users: dict[str, User]) -> dict[str, Any]:
    """An issue or pull request as the issues endpoints render it (schema ``issue``)."""
    repo_url = f"{api}/repos/{repo.full_name}"
    url = f"{repo_url}/issues/{item.number}"
    assignees = [simple_user(api, users[login]) for login in item.assignees]
    data: dict[str, Any] = {
        "url": url,
        "repository_url": repo_url,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{WEB}/{repo.full_name}/{'pull' if item.pull_request else 'issues'}/{item.number}",
        "id": item.id,
        "node_id": node_id("PullRequest" if item.pull_request else "Issue", item.id),
        "number": item.number,
        "title": item.title,
        "user": simple_user(api, users[item.user]),
        "labels": [label(api, repo, name) for name in item.labels],
        "state": item.state,
        "locked": item.lock_reason is not None,
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "comments": len(item.comments),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "author_association": "OWNER" if item.user == repo.owner.login else "COLLABORATOR",
        "type": None,
        "active_lock_reason": item.lock_reason or None,
        "body": item.body,
        "closed_by": simple_user(api, users[item.closed_by]) if item.closed_by else None,
        "reactions": reactions(url, item.reactions),
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
        "state_reason": item.state_reason,
    }
    if item.pull_request:
        pull = f"{WEB}/{repo.full_name}/pull/{item.number}"
        data["draft"] = False
        data["pull_request"] = {
            "url": f"{repo_url}/pulls/{item.number}",
            "html_url": pull,
            "diff_url": f"{pull}.diff",
            "patch_url": f"{pull}.patch",
            "merged_at": None,
        }
    return data


def comment(api: str, repo: Repo, item: Issue, record: dict[str, Any], users: dict[str, User]) -> dict[str, Any]:
    """An issue comment (schema ``issue-comment``)."""
    url = f"{api}/repos/{repo.full_name}/issues/comments/{record['id']}"
    return {
        "url": url,
        "html_url": f"{WEB}/{repo.full_name}/issues/{item.number}#issuecomment-{record['id']}",
        "issue_url": f"{api}/repos/{repo.full_name}/issues/{item.number}",
        "id": record["id"],
        "node_id": node_id("IssueComment", record["id"]),
        "user": simple_user(api, users[record["user"]]),
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "author_association": "OWNER" if record["user"] == repo.owner.login else "COLLABORATOR",
        "body": record["body"],
        "reactions": reactions(url),
        "performed_via_github_app": None,
    }
