"""``python -m ehc.orchestration.hand_over REF...`` (``--plans PLAN...`` for plans in force): the background
half of a command's hand-over (``BackgroundHandOver``), with the command's environment; a failure is logged,
and the catch-up redoes it."""

from __future__ import annotations

import sys

from ehc.bootstrap import bootstrap
from ehc.clock import today_in_london


def main(arguments: list[str]) -> int:
    app = bootstrap()
    plans = arguments[:1] == ["--plans"]
    references = arguments[1:] if plans else arguments
    try:
        if plans:
            app.orchestrator.hand_over_plans(references)
        else:
            app.orchestrator.hand_over(references)
    except Exception as error:
        print(f"{today_in_london()} hand-over of {', '.join(references)} failed ({type(error).__name__}: "
              f"{error}); the catch-up will hand them over", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
