"""The CRM category: contacts, companies, deals and their pipelines, notes, tasks (users are `User`).

Associations are id lists on the objects (`CrmContact.companies`, `Deal.contacts`, `Note.deals`, ...); provider
fields outside the models are in `custom_fields`, by the unified names an integration's field mapping gives them.
"""

from unified_models.crm.activity import Note, NoteCreate, Task, TaskCreate, TaskStatus, TaskUpdate
from unified_models.crm.company import Company, CompanyCreate, CompanyUpdate
from unified_models.crm.contact import CrmContact, CrmContactCreate, CrmContactUpdate
from unified_models.crm.deal import Deal, DealCreate, DealStage, DealStatus, DealUpdate, Pipeline
from unified_models.crm.values import Address, EmailAddress, PhoneNumber

__all__ = [
    "Address",
    "Company",
    "CompanyCreate",
    "CompanyUpdate",
    "CrmContact",
    "CrmContactCreate",
    "CrmContactUpdate",
    "Deal",
    "DealCreate",
    "DealStage",
    "DealStatus",
    "DealUpdate",
    "EmailAddress",
    "Note",
    "NoteCreate",
    "Pipeline",
    "PhoneNumber",
    "Task",
    "TaskCreate",
    "TaskStatus",
    "TaskUpdate",
]
