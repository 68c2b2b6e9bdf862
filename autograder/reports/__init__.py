"""Results as people and programs read them: one module per output.

    wording.py        a test's verdict as the sentences a student reads
    terminal.py       tables on the terminal: one submission, the batch's scores, the class summary
    gradescope.py     Gradescope's results.json
    files.py          writing files atomically
    statistics.py     per-question and per-assignment numbers of a class
    feedback.py       each submission's feedback page (Markdown, HTML)
    summary.py        the class summary (Markdown, HTML)
    charts.py         the score distribution and pass rates as PNGs
    grade_files.py    grades.csv, Canvas and Gradescope grade imports
    html.py           the pages' shared HTML and Markdown pieces
    class_reports.py  `grade batch`'s OUT/reports/, from the batch's results

Everything here reads `results` objects; nothing re-parses another program's strings.
"""
