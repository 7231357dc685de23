"""A request for an EHC needs assessment as it arrives (CFA s36(1)), validated."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from domain.input_rules import PLAIN_TEXT, CaseDay

# Case references and contributor codes are identifiers people type: "ehc-001" and "EHC-001" are the same case, so
# both are kept in capitals whichever way they were typed (intake, import, every command that names one).
_IDENTIFIER = StringConstraints(strip_whitespace=True, to_upper=True,
                                pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$")
CaseReference = Annotated[str, _IDENTIFIER]
ContributorCode = Annotated[str, _IDENTIFIER]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), PLAIN_TEXT]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), PLAIN_TEXT]


class NewRequest(BaseModel):
    """Child's details travel only from here to the case store, never to Prefect or logs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: CaseReference = Field(description="LA case reference: letters, digits and / _ . -, up to 40; kept in capitals")
    received: CaseDay
    child_given_name: Name | None = None
    child_family_name: Name | None = None
    child_date_of_birth: date | None = None
    caseworker: Label | None = None
    team: Label | None = None
    setting: Label | None = None

    @field_validator("child_date_of_birth")
    @classmethod
    def _born_before_request(cls, born: date | None, info: ValidationInfo) -> date | None:
        # A field validator, so the refusal names the field; ``received`` is validated first (declared first).
        received = info.data.get("received")
        if born and received and born > received:
            raise ValueError(f"{born} is after the request was received ({received})")
        return born
