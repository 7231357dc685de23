"""`ehc demo`: the main job on embedded defaults, with a synthetic caseload."""
