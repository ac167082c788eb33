"""Deals (HubSpot deals, Salesforce opportunities, Pipedrive and Attio deals), and the pipelines their stages
belong to."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from unified_models.common import RemoteObject, UnifiedModel, UtcDatetime
from unified_models.crm.contact import CUSTOM_FIELDS


class DealStatus(StrEnum):
    """Where a deal stands; the provider's own stage or status is kept in `remote_status`."""

    OPEN = "OPEN"
    WON = "WON"
    LOST = "LOST"


class _DealFields(UnifiedModel):
    amount: float | None = Field(default=None, description="Value of the deal, in `currency`")
    currency: str | None = Field(default=None, description="ISO 4217 code of the amount's currency (`EUR`)")
    pipeline: str | None = Field(default=None, description="Id of the `Pipeline` it is in")
    stage: str | None = Field(default=None, description="Id of its stage (one of the pipeline's `stages`)")
    close_date: date | None = Field(default=None, description="When it closed or is expected to close")
    probability: float | None = Field(default=None, ge=0, le=100, description="Chance of winning, in percent")
    companies: list[str] = Field(default_factory=list, description="Ids of the `Company` objects it is with")
    contacts: list[str] = Field(default_factory=list, description="Ids of the `CrmContact` objects involved")
    owner: str | None = Field(default=None, description="Id of the `User` who owns it")
    description: str | None = Field(default=None, description="Notes on the deal")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=CUSTOM_FIELDS)


class Deal(_DealFields, RemoteObject):
    """A sales opportunity."""

    name: str | None = Field(default=None, description="The deal's name")
    status: DealStatus | None = Field(default=None, description="OPEN, WON or LOST; null if the provider cannot say")
    remote_status: str | None = Field(default=None, description="The provider's own stage or status value")
    last_activity_at: UtcDatetime | None = Field(default=None, description="Last activity on it, if known")


class DealCreate(_DealFields):
    """Body of `POST /crm/deals`."""

    name: str = Field(min_length=1, description="The deal's name")
    status: DealStatus | None = Field(default=None, description="OPEN, WON or LOST (providers with stages: pick one)")


class DealUpdate(_DealFields):
    """Body of `PATCH /crm/deals/{id}`: only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, description="The deal's name")
    status: DealStatus | None = Field(default=None, description="OPEN, WON or LOST")


class DealStage(UnifiedModel):
    """One stage of a pipeline."""

    id: str = Field(min_length=1, description="The stage's id, as deals' `stage` holds it")
    name: str = Field(description="The stage's name")
    display_order: int | None = Field(default=None, description="Its position in the pipeline, from 0")
    probability: float | None = Field(default=None, ge=0, le=100, description="Win probability, in percent")
    status: DealStatus = Field(default=DealStatus.OPEN, description="WON or LOST for closing stages, else OPEN")


class Pipeline(RemoteObject):
    """A sales pipeline: the stages deals go through."""

    name: str | None = Field(default=None, description="The pipeline's name")
    stages: list[DealStage] = Field(default_factory=list, description="Its stages, in order")
    is_default: bool | None = Field(default=None, description="True for the account's default pipeline")
