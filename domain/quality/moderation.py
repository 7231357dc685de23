"""Reviewers' scores beside the automatic ones: when two reviewers disagree enough to need moderation,
and the scores a plan is graded on once people have scored it. Pure.
"""

from __future__ import annotations

MODERATION_GAP = 2  # two reviewers 2+ points apart on one criterion go to moderation


def needs_moderation(scores_by_reviewer: dict[str, int]) -> bool:
    return len(scores_by_reviewer) >= 2 and max(scores_by_reviewer.values()) - min(scores_by_reviewer.values()) \
        >= MODERATION_GAP


def combined_scores(automatic: dict[str, int], reviewed: dict[str, dict[str, int]]) -> dict[str, float]:
    """Per criterion: the mean of the reviewers' latest scores where people scored it, else the automatic score."""
    scores: dict[str, float] = dict(automatic)
    for criterion, by_reviewer in reviewed.items():
        if by_reviewer:
            scores[criterion] = sum(by_reviewer.values()) / len(by_reviewer)
    return scores
