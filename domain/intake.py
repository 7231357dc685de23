"""A request for an EHC needs assessment as it arrives (CFA s36(1)), validated."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

CaseReference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class NewRequest(BaseModel):
    """Child's details travel only from here to the case store, never to Prefect or logs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: CaseReference = Field(description="LA case reference: letters, digits and / _ . -, up to 40")
    received: date
    child_given_name: Name | None = None
    child_family_name: Name | None = None
    child_date_of_birth: date | None = None
    caseworker: Label | None = None
    team: Label | None = None
    setting: Label | None = None

    @model_validator(mode="after")
    def _born_before_request(self) -> NewRequest:
        if self.child_date_of_birth and self.child_date_of_birth > self.received:
            raise ValueError(
                f"child_date_of_birth ({self.child_date_of_birth}) is after the request was received ({self.received})")
        return self
