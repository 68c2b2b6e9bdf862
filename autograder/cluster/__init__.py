"""Grading on several machines: `grade batch --broker URL` and `grade worker --broker URL`, on Celery.

    app.py       the Celery application: broker and result backend, late acknowledgement, JSON only
    payload.py   what a task carries (a submission's bytes and name, never a path) and the course's version
    tasks.py     the worker's side: refuse another course version, grade with a warm worker, count tries
    collect.py   the batch's side: send every part, collect the results as they come, check their shape

The broker is untrusted transport: a task's payload is only a submission, and a result is
checked for shape before the batch uses it. References and hidden tests stay with the workers.
"""
