"""What an assignment does not allow, found in a submission's source on the grader's side (never run).

    uses.py        every library name each top-level definition uses, through imports and aliases
    spellings.py   the other names of what a rule forbids (`numpy.linalg._linalg.lstsq`), from the real objects
    budget.py      the check's limits: a forked child with a memory, CPU and wall-clock budget
    forbidden.py   the assignment's rules (`forbidden` calls per question, allowed `packages`) and the
                   findings, with the course's policy: flag them, or zero their question; what could
                   not be checked, under its own policy (`unchecked`)
    enforce.py     the guards in the student's process (`sandbox.runtime.guard`): what they are asked to
                   guard, and the uses they report, as findings
"""
