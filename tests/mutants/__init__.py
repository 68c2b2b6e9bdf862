"""Plausible wrong implementations, one module per assignment.

Each module defines `MUTANTS`: a list of `(question, name_replaced, description, source)`.
`tests/test_assignments.py` swaps `source` in for the definition of `name_replaced` in the
reference solution and checks that the submission loses points on `question` and only there.
"""
