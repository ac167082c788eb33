"""A subset of Linear's GraphQL schema, in SDL, for the fake.

Names, types and nullability mirror the type definitions shipped in ``@linear/sdk@98.0.0`` (``dist/index-*.d.mts``:
``Issue``, ``User``, ``Team``, ``WorkflowState``, ``IssueLabel``, ``Project``, ``Comment``, connections,
``PageInfo``, payloads, filters, inputs and the ``Query*Args`` / ``Mutation*Args``); the fake's tests compare the two.
"""

from __future__ import annotations

SDL = """
scalar DateTime
scalar DateTimeOrDuration
scalar TimelessDate
scalar JSONObject

enum PaginationOrderBy { createdAt updatedAt }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Organization { id: ID! name: String! urlKey: String! createdAt: DateTime! updatedAt: DateTime! }

type User {
  id: ID! name: String! displayName: String! email: String! active: Boolean! admin: Boolean! guest: Boolean!
  avatarUrl: String createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime url: String! isMe: Boolean!
  timezone: String organization: Organization!
}
type UserEdge { node: User! cursor: String! }
type UserConnection { edges: [UserEdge!]! nodes: [User!]! pageInfo: PageInfo! }

type Team {
  id: ID! name: String! key: String! displayName: String! description: String private: Boolean!
  createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime
  states(first: Int, after: String): WorkflowStateConnection!
}
type TeamEdge { node: Team! cursor: String! }
type TeamConnection { edges: [TeamEdge!]! nodes: [Team!]! pageInfo: PageInfo! }

type WorkflowState {
  id: ID! name: String! type: String! color: String! position: Float! description: String
  createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime team: Team!
}
type WorkflowStateEdge { node: WorkflowState! cursor: String! }
type WorkflowStateConnection { edges: [WorkflowStateEdge!]! nodes: [WorkflowState!]! pageInfo: PageInfo! }

type IssueLabel {
  id: ID! name: String! color: String! description: String isGroup: Boolean!
  createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime team: Team
}
type IssueLabelEdge { node: IssueLabel! cursor: String! }
type IssueLabelConnection { edges: [IssueLabelEdge!]! nodes: [IssueLabel!]! pageInfo: PageInfo! }

type Project {
  id: ID! name: String! description: String! slugId: String! url: String! color: String! state: String!
  priority: Int! progress: Float! createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime
  startedAt: DateTime completedAt: DateTime canceledAt: DateTime
}
type ProjectEdge { node: Project! cursor: String! }
type ProjectConnection { edges: [ProjectEdge!]! nodes: [Project!]! pageInfo: PageInfo! }

type Comment {
  id: ID! body: String! url: String! createdAt: DateTime! updatedAt: DateTime! editedAt: DateTime
  archivedAt: DateTime user: User issue: Issue issueId: String
}
type CommentEdge { node: Comment! cursor: String! }
type CommentConnection { edges: [CommentEdge!]! nodes: [Comment!]! pageInfo: PageInfo! }

type Issue {
  id: ID! identifier: String! number: Float! title: String! description: String priority: Float!
  priorityLabel: String! estimate: Float url: String! branchName: String! dueDate: TimelessDate
  createdAt: DateTime! updatedAt: DateTime! archivedAt: DateTime startedAt: DateTime completedAt: DateTime
  canceledAt: DateTime state: WorkflowState! team: Team! assignee: User creator: User project: Project
  parent: Issue labelIds: [String!]!
  labels(first: Int, after: String): IssueLabelConnection!
  comments(first: Int, after: String): CommentConnection!
  attachments(first: Int, after: String): AttachmentConnection!
}
type IssueEdge { node: Issue! cursor: String! }
type IssueConnection { edges: [IssueEdge!]! nodes: [Issue!]! pageInfo: PageInfo! }

type Attachment {
  id: ID! title: String! subtitle: String url: String! createdAt: DateTime! updatedAt: DateTime!
  archivedAt: DateTime creator: User issue: Issue! metadata: JSONObject! sourceType: String groupBySource: Boolean!
}
type AttachmentEdge { node: Attachment! cursor: String! }
type AttachmentConnection { edges: [AttachmentEdge!]! nodes: [Attachment!]! pageInfo: PageInfo! }

type IssuePayload { success: Boolean! lastSyncId: Float! issue: Issue }
type IssueArchivePayload { success: Boolean! lastSyncId: Float! entity: Issue }
type CommentPayload { success: Boolean! lastSyncId: Float! comment: Comment! }

input DateComparator {
  eq: DateTimeOrDuration neq: DateTimeOrDuration gt: DateTimeOrDuration gte: DateTimeOrDuration
  lt: DateTimeOrDuration lte: DateTimeOrDuration
}
input StringComparator { eq: String neq: String in: [String!] nin: [String!] }
input IDComparator { eq: ID neq: ID in: [ID!] nin: [ID!] }
input IssueIDComparator { eq: ID neq: ID in: [ID!] nin: [ID!] }
input TeamFilter { id: IDComparator key: StringComparator name: StringComparator }
input WorkflowStateFilter { id: IDComparator name: StringComparator type: StringComparator team: TeamFilter }
input IssueFilter {
  id: IssueIDComparator createdAt: DateComparator updatedAt: DateComparator team: TeamFilter state: WorkflowStateFilter
}

input IssueCreateInput {
  teamId: String! title: String description: String priority: Int estimate: Int stateId: String
  assigneeId: String labelIds: [String!] projectId: String parentId: String dueDate: TimelessDate
}
input IssueUpdateInput {
  title: String description: String priority: Int estimate: Int stateId: String assigneeId: String
  labelIds: [String!] addedLabelIds: [String!] removedLabelIds: [String!] projectId: String dueDate: TimelessDate
}
input CommentCreateInput { issueId: String body: String }

type Query {
  viewer: User!
  organization: Organization!
  users(first: Int, after: String): UserConnection!
  teams(first: Int, after: String, filter: TeamFilter): TeamConnection!
  projects(first: Int, after: String): ProjectConnection!
  issueLabels(first: Int, after: String): IssueLabelConnection!
  workflowStates(first: Int, after: String, filter: WorkflowStateFilter): WorkflowStateConnection!
  issues(
    first: Int, after: String, filter: IssueFilter, orderBy: PaginationOrderBy, includeArchived: Boolean
  ): IssueConnection!
  issue(id: String!): Issue!
  team(id: String!): Team!
  project(id: String!): Project!
  user(id: String!): User!
  attachment(id: String!): Attachment!
}

type Mutation {
  issueCreate(input: IssueCreateInput!): IssuePayload!
  issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload!
  issueArchive(id: String!, trash: Boolean): IssueArchivePayload!
  commentCreate(input: CommentCreateInput!): CommentPayload!
}
"""
