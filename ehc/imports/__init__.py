"""Readers of files people bring: caseload and contributor CSVs, plan documents (JSON or Word)."""
