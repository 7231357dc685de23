"""The domain models under values of the wrong type: a ValidationError naming the field, never a crash.

What the CLI and the CSV reader hand over is text, but the flows, the demo and
any future API build ``NewRequest`` and events from Python values. Anything
else (TypeError, OverflowError, AttributeError) would escape the CLI's
refusals as a traceback.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.events import EVENT_TYPES, parse_event
from domain.intake import NewRequest
from ehc.parse import describe_validation
from hostile.conftest import FUZZ_PURE

ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30) | st.binary(max_size=10)
    | st.dates() | st.datetimes() | st.just(date.max) | st.just(float("nan")),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
REQUEST_FIELDS = ("reference", "received", "child_given_name", "child_family_name", "child_date_of_birth",
                  "caseworker", "team", "setting", "not_a_field")
GOOD_REQUEST = {"reference": "T-1", "received": date(2026, 3, 2)}


@FUZZ_PURE
@given(field=st.sampled_from(REQUEST_FIELDS), value=ANYTHING)
def test_a_request_with_a_wrong_value_is_refused_with_the_field_named(field, value):
    try:
        request = NewRequest(**{**GOOD_REQUEST, field: value})
    except ValidationError as error:
        assert field in describe_validation(error)
        return
    # accepted: then it was a value of the right kind, and the model holds it as that kind
    assert isinstance(request.received, date)
    assert getattr(request, field) is None or isinstance(getattr(request, field), (str, date))


@FUZZ_PURE
@given(event=st.sampled_from(EVENT_TYPES), on=ANYTHING,
       payload=st.dictionaries(st.sampled_from(("outcome", "agency", "contributor", "setting", "setting_kind",
                                                "limb", "advice", "evidence", "attempt", "extra")), ANYTHING,
                               max_size=3))
def test_an_event_from_values_of_any_type_is_built_or_refused_never_crashes(event, on, payload):
    try:
        built = parse_event(event, on, payload)
    except ValidationError as error:
        assert describe_validation(error)
        return
    assert built.type == event and date(2014, 9, 1) <= built.on <= date(2099, 12, 31)
