"""Running untrusted submissions in a separate, limited process.

`protocol` defines the plain-data messages, `child` runs inside the student's
process, and `runner` is the grader's side.
"""
