"""The contributor directory (ehc/services/contributors.py) on the in-memory case database."""

from __future__ import annotations

import pytest

from ehc.parse import InputError
from ehc.services.contributors import add_contributor, contributor_directory, import_contributors


def test_the_directory_lists_contributors_by_agency_then_code(app):
    #               code         name                     agency
    for row in [("SC-EAST",   "East children's team",  "social_care"),
                ("DCO-S",     "Dr R Patel",            "health"),
                ("DCO-N",     "Dr P Shah",             "health")]:
        add_contributor(app, *row)

    assert [(entry["code"], entry["agency"]) for entry in contributor_directory(app)] == [
        ("DCO-N", "health"), ("DCO-S", "health"), ("SC-EAST", "social_care")]


def test_a_code_already_in_the_directory_is_refused_and_the_first_entry_kept(app):
    add_contributor(app, "DCO-N", "Dr P Shah", "health")
    with pytest.raises(InputError, match="code: a contributor 'DCO-N' already exists"):
        add_contributor(app, "DCO-N", "Dr Q Other", "health")
    assert [entry["name"] for entry in contributor_directory(app)] == ["Dr P Shah"]


def test_an_import_naming_a_code_already_stored_imports_nothing(app, tmp_path):
    add_contributor(app, "DCO-N", "Dr P Shah", "health")
    path = tmp_path / "contributors.csv"
    path.write_text("code,name,agency\nEP-1,Educational psychology,educational_psychology\nDCO-N,Dr P Shah,health\n",
                    encoding="utf-8")

    with pytest.raises(InputError, match="line 3: code: a contributor 'DCO-N' already exists"):
        import_contributors(app, path)

    assert [entry["code"] for entry in contributor_directory(app)] == ["DCO-N"]


@pytest.mark.parametrize(("header", "problem"), [
    ("code,name,agency,name", "line 1: column 'name' appears twice in the header; keep one"),
    ("code;name;agency", "line 1: the separator looks like ';', not a comma: save the file as comma-separated "
                         "values (CSV UTF-8)"),
], ids=["name twice", "semicolons"])
def test_a_header_the_import_cannot_read_by_is_refused_saying_why_and_nothing_is_imported(app, tmp_path, header,
                                                                                        problem):
    path = tmp_path / "contributors.csv"
    path.write_text(f"{header}\nEP-1,Educational psychology,educational_psychology,EP service\n", encoding="utf-8")

    with pytest.raises(InputError) as refused:
        import_contributors(app, path)

    assert str(refused.value) == f"{path}: nothing imported; {problem}"
    assert contributor_directory(app) == []
