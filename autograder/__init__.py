"""Autograder for the neural-networks course.

The package follows the data: `loading` reads what was handed in, `sandbox`
runs it in a separate limited process, `checks` judges what came back,
`scoring` adds up points, `reports` shows the result and `cli` is the `grade`
command.
"""

__version__ = "0.1.0"
