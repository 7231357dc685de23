"""The rubric file (config/rubric/*.toml): the packaged default, and bad files refused naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.rubric import PACKAGED_RUBRIC, RubricError, load_rubric
from domain.quality.checks import CHECKS
from domain.quality.rubric import Grade

GOOD_CRITERION = '''
[[criteria]]
id = "f.quantified"
title = "Provision is quantified"
sections = ["F"]
weight = 3
check = "provision_quantified"
'''
THRESHOLDS = "[thresholds]\noutstanding = 3.5\ngood = 3.0\nrequires_improvement = 2.0\n"


def rubric_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_rubric_scores_every_automatic_check_once_with_the_ofsted_style_grades():
    rubric = load_rubric(PACKAGED_RUBRIC)

    assert sorted(c.check for c in rubric.criteria) == sorted(CHECKS)
    assert (rubric.thresholds.outstanding, rubric.thresholds.good, rubric.thresholds.requires_improvement) == (3.5, 3.0, 2.0)
    assert [rubric.grade(s) for s in (4.0, 3.5, 3.49, 3.0, 2.99, 2.0, 1.99, 1.0)] == [
        Grade.OUTSTANDING, Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
        Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE, Grade.INADEQUATE]


def test_the_rubric_key_changes_when_the_file_changes(tmp_path):
    first = load_rubric(rubric_file(tmp_path, f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION}'))
    second = load_rubric(rubric_file(tmp_path, f'name = "R"\nversion = "1"\n{THRESHOLDS}'
                                               f'{GOOD_CRITERION.replace("weight = 3", "weight = 4")}'))

    assert first.key != second.key and first.key.startswith("1:")


@pytest.mark.parametrize(("text", "message"), [
    (f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION.replace("weight = 3", "weight = 0")}',
     "criteria[0] (f.quantified).weight: Input should be greater than 0"),
    (f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION.replace("provision_quantified", "spelling")}',
     "criteria[0] (f.quantified).check: 'spelling' is not an automatic check"),
    (f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION.replace(chr(34) + "F" + chr(34), chr(34) + "L" + chr(34))}',
     "criteria[0] (f.quantified).sections[0]: Input should be 'A'"),
    (f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION}{GOOD_CRITERION}',
     "rubric: criterion ids must be unique: f.quantified repeated"),
    (f'name = "R"\nversion = "1"\n{THRESHOLDS.replace("good = 3.0", "good = 3.6")}{GOOD_CRITERION}',
     "thresholds: must fall: outstanding > good > requires_improvement"),
    (f'name = "R"\nversion = "1"\n{THRESHOLDS}{GOOD_CRITERION}colour = "red"\n',
     "criteria[0] (f.quantified).colour: Extra inputs are not permitted"),
    (f'name = "R"\n{THRESHOLDS}{GOOD_CRITERION}', "version: Field required"),
    ('name = "R"\nversion = [', "rubric.toml: "),
], ids=["zero weight", "unknown check", "unknown section", "duplicate id", "thresholds out of order", "unknown key",
        "no version", "not TOML"])
def test_a_bad_rubric_is_refused_naming_the_key(tmp_path, text, message):
    with pytest.raises(RubricError) as refused:
        load_rubric(rubric_file(tmp_path, text))

    assert message in str(refused.value)
    assert str(refused.value).startswith(str(tmp_path / "rubric.toml"))
