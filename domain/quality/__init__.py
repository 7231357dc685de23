"""Plan quality: an LA's rubric, automatic checks that explain themselves, the grade and reviewers' scores.

- ``terms``: the word lists the checks look for, each with its source;
- ``patterns``: those lists compiled, and the helpers that read a plan's text;
- ``checks``: the automatic checks (sections, the child's voice, the golden thread, SMART outcomes, ...);
- ``rubric``: the rubric as validated data and the four grades;
- ``grading``: a plan's scores, weighted score and grade under the hard rule;
- ``moderation``: reviewers' scores, and when they need moderating;
- ``alerts``: the caseworker's alert when a plan is graded below Good;
- ``trend``: the weekly report's quality section (grades by month, common failings).
"""
