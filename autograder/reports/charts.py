"""The class's charts as PNG images: the score distribution and the share of full marks per question.

Both are laid out by matplotlib's constrained layout, which keeps titles, tick labels and
legends out of each other's way; the pass rates' labels sit right of their bars, in room the
x axis leaves beyond 100 %, so that none is cut off or drawn over a bar.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING

from .statistics import BINS
from .summary import Summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def write_charts(summary: Summary, folder: Path) -> dict[str, Path]:
    """Draw the score distribution and the per-question pass rates as PNGs; `{title: path}`."""
    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    for title, name, draw in (("Score distribution", "score_distribution.png", distribution_figure),
                              ("Question pass rates", "question_pass_rates.png", pass_rate_figure)):
        path = folder / name
        draw(summary).savefig(path)
        charts[title] = path
    return charts


def _figure(height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _students(n: int) -> str:
    return f"{n} student{'s' if n != 1 else ''}"


def _counted(summary: Summary) -> str:
    """Whom the pass-rate bars are out of: the students who handed each question's assignment in."""
    attempted = sorted({q.attempted for q in summary.questions})
    if len(attempted) == 1:
        return f"of {_students(attempted[0])}"
    return f"of {attempted[0]}–{attempted[-1]} students each" if attempted else "none handed in"


def distribution_figure(summary: Summary) -> Figure:
    """A histogram of the total scores, as % of the one maximum every total shares, with their mean."""
    figure = _figure(4.5)
    axes = figure.add_subplot()
    percents = summary.percents()
    counts, _, _ = axes.hist(percents, bins=[i * 100 / BINS for i in range(BINS + 1)], color="#3b6ea5",
                             edgecolor="white")
    if percents:
        mean = statistics.mean(percents)
        axes.axvline(mean, color="#a11", linestyle="--", label=f"mean {mean:.1f} %")
        axes.legend(loc="upper left", bbox_to_anchor=(0, -0.16), frameon=False)  # below the axes, never on a bar
    axes.set_title(f"Score distribution ({_students(len(summary.graded))})", pad=10)  # each bar counts these
    axes.set_xlabel("total score (% of the maximum)")
    axes.set_ylabel("students")
    axes.set_xlim(0, 100)
    axes.set_ylim(0, max(1.0, max(counts, default=0) * 1.1))
    axes.yaxis.get_major_locator().set_params(integer=True)
    return figure


def pass_rate_figure(summary: Summary) -> Figure:
    """A bar per question: the share of submissions with all of its points, labelled right of the bar."""
    questions = summary.questions
    figure = _figure(max(3.0, 0.35 * len(questions) + 1.8))
    axes = figure.add_subplot()
    rates = [q.pass_rate for q in questions]
    positions = list(range(len(questions)))
    axes.barh(positions, rates, color="#3b8a4f", height=0.7)
    axes.set_yticks(positions, [f"{q.assignment}: {q.question}" for q in questions])
    axes.set_ylim(len(questions) - 0.5, -0.5)
    for y, rate in zip(positions, rates):
        axes.text(rate + 1.5, y, f"{rate:.0f} %", va="center", ha="left", fontsize=8)
    axes.set_xlim(0, 114)  # room for "100 %" right of a full bar
    axes.set_xticks(range(0, 101, 20))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(f"Full marks per question ({_counted(summary)})", pad=10)
    axes.set_xlabel("students with all of its points (%)")
    axes.set_ylabel("question")
    return figure
