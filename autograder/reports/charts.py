"""The class's charts as PNG images: the score distribution and the share of full marks per question."""

from __future__ import annotations

import statistics
from pathlib import Path

from .statistics import BINS
from .summary import Summary


def write_charts(summary: Summary, folder: Path) -> dict[str, Path]:
    """Draw the score distribution and the per-question pass rates as PNGs; `{title: path}`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    n = len(summary.graded)

    figure = Figure(figsize=(8, 4.5), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    percents = summary.percents()
    axes.hist(percents, bins=[i * 100 / BINS for i in range(BINS + 1)], color="#3b6ea5", edgecolor="white")
    if percents:
        mean = statistics.mean(percents)
        axes.axvline(mean, color="#a11", linestyle="--", label=f"mean {mean:.1f} %")
        axes.legend(loc="best")
    axes.set_title(f"Score distribution ({n} graded submission{'s' if n != 1 else ''})")
    axes.set_xlabel("total score (% of the maximum)")
    axes.set_ylabel("submissions")
    axes.set_xlim(0, 100)
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    path = folder / "score_distribution.png"
    figure.savefig(path)
    charts["Score distribution"] = path

    questions = summary.questions
    figure = Figure(figsize=(8, max(2.5, 0.35 * len(questions) + 1.5)), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [f"{q.assignment}: {q.question}" for q in questions]
    rates = [q.pass_rate for q in questions]
    positions = list(range(len(questions)))
    axes.barh(positions, rates, color="#3b8a4f")
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(questions) - 0.5, -0.5)
    for y, rate in zip(positions, rates):
        axes.text(min(rate + 1, 92), y, f"{rate:.0f} %", va="center", fontsize=8)
    axes.set_xlim(0, 100)
    figure.suptitle(f"Full marks per question ({n} graded submission{'s' if n != 1 else ''})")
    axes.set_xlabel("submissions with all of the question's points (%)")
    axes.set_ylabel("question")
    figure.tight_layout()
    path = folder / "question_pass_rates.png"
    figure.savefig(path)
    charts["Question pass rates"] = path
    return charts
