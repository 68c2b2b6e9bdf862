"""The student's process: the only code of the course that runs there.

Self-contained: nothing here imports the rest of `autograder`, so this folder
alone is what the sandbox shows the student's process (see
`autograder.sandbox.isolation`), and it runs from a copy of itself with an
interpreter where the package is not installed. The grader imports the same
modules as `autograder.sandbox.runtime` (the protocol, the recipes it builds
twins from); in the student's process they are loaded as the package
`grade_runtime` by `__main__.py`.

    protocol.py       the plain-data messages, the replies and the sandbox's error types
    session.py        the request loop's handler: the grader's requests -> replies (also used in notebooks)
    loader.py         import a submission one top-level statement at a time
    child.py          the process: limits, start-up report, serve requests until the channel closes
    keyrings.py       a session keyring of its own for each child; the per-uid keyrings the grader invalidates
    guard.py          forbidden library functions guarded where they run, for the questions that forbid them
    recipes.py        trusted objects built on request (callables, models, loaders)
    loaders.py        the course's mini-batch loaders (GPU-resident, DataLoader)
    mnist_sample.py   the IDX format and the shipped MNIST sample in data/

Nothing here is secret: no expected values, tests, references or scores.
"""
