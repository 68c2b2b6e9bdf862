"""What an assignment does not allow, found in a submission's source on the grader's side (never run).

    uses.py        every library name each top-level definition uses, through imports and aliases
    forbidden.py   the assignment's rules (`forbidden` calls per question, allowed `packages`) and the
                   findings, with the course's policy: flag them, or zero their question
"""
