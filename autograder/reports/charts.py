"""The class's charts as PNG images: the score distribution and the share of full marks per question; per
assignment, its most common mistakes and its tests' difficulty against discrimination.

Both are laid out by matplotlib's constrained layout, which keeps titles, tick labels and
legends out of each other's way; the pass rates' labels sit right of their bars, in room the
x axis leaves beyond 100 %, so that none is cut off or drawn over a bar.
"""

from __future__ import annotations

import statistics
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..names import file_key
from .items import Item
from .misconceptions import Misconception
from .reteach import chart_titles
from .statistics import BINS
from .summary import Summary

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def write_charts(summary: Summary, folder: Path) -> dict[str, Path]:
    """Draw the score distribution and the per-question pass rates as PNGs, and each assignment's most common
    mistakes and its tests' difficulty against discrimination, where there are; `{title: path}`."""
    folder.mkdir(parents=True, exist_ok=True)
    charts = {}
    for title, name, draw in (("Score distribution", "score_distribution.png", distribution_figure),
                              ("Question pass rates", "question_pass_rates.png", pass_rate_figure)):
        path = folder / name
        draw(summary).savefig(path)
        charts[title] = path
    for assignment, title in summary.titles.items():
        mistakes, tests = chart_titles(title)
        groups = [g for g in summary.misconceptions if g.assignment == assignment]
        items = [i for i in summary.items if i.assignment == assignment]
        if groups:
            charts[mistakes] = folder / f"mistakes_{file_key(assignment)}.png"
            misconception_figure(mistakes, groups).savefig(charts[mistakes])
        if any(i.discrimination is not None for i in items):
            charts[tests] = folder / f"tests_{file_key(assignment)}.png"
            items_figure(tests, items).savefig(charts[tests])
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


#: The most misconceptions one chart shows (the summary lists them all).
MAX_MISCONCEPTIONS = 8


def misconception_figure(title: str, groups: list[Misconception]) -> Figure:
    """A bar per misconception of one assignment (`groups`, most common first): how many students show it,
    labelled "n of N" right of the bar; the label on the left is the question and the mistake, wrapped."""
    groups = groups[:MAX_MISCONCEPTIONS]
    labels = [textwrap.shorten(f"{g.question}: {g.what}", 120, placeholder=" …") for g in groups]
    wrapped = ["\n".join(textwrap.wrap(label, 42)) for label in labels]
    figure = _figure(max(2.4, sum(0.16 * w.count("\n") + 0.36 for w in wrapped) + 1.3))
    axes = figure.add_subplot()
    positions = list(range(len(groups)))
    axes.barh(positions, [g.count for g in groups], color="#b5552b", height=0.6)
    axes.set_yticks(positions, wrapped, fontsize=8)
    axes.set_ylim(len(groups) - 0.5, -0.5)
    most = max((g.graded for g in groups), default=1)
    for y, group in zip(positions, groups):
        axes.text(group.count + most * 0.015, y, f"{group.count} of {group.graded}", va="center", ha="left",
                  fontsize=8)
    axes.set_xlim(0, most * 1.18)  # room for "n of N" right of the longest bar
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(title, pad=10)
    axes.set_xlabel("students")
    return figure


def items_figure(title: str, items: list[Item]) -> Figure:
    """Difficulty against discrimination, a point per test of one assignment, numbered as in the key on the
    right. Tests at one spot share a point (its label lists them); a test everyone passes or fails has no
    discrimination and is listed in the key only. Numbers are placed where they overlap nothing drawn."""
    figure = _figure(max(4.8, 0.17 * len(items) + 1.6))
    grid = figure.add_gridspec(1, 2, width_ratios=[1.25, 1])
    axes, key = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
    axes.axhspan(-1.05, 0, color="#f6dcdc", zorder=0)
    axes.axhline(0.2, color="#999", linestyle=":", linewidth=1)
    axes.text(0.01, 0.21, "0.2: discriminates", fontsize=7, color="#666", va="bottom")
    spots: dict[tuple[float, float], list[int]] = {}
    for number, item in enumerate(items, start=1):
        if item.discrimination is not None:
            spots.setdefault((round(item.difficulty, 3), round(item.discrimination, 3)), []).append(number)
    for (x, y), numbers in spots.items():
        axes.scatter([x], [y], s=28 + 14 * (len(numbers) - 1), color="#a11" if y < 0 else "#3b6ea5", zorder=3)
    axes.set_xlim(-0.05, 1.05)
    axes.set_ylim(-1.05, 1.05)
    axes.set_xlabel("difficulty (share of students passing)")
    axes.set_ylabel("discrimination (point-biserial r with the rest)")
    axes.set_title(title, pad=10)
    _number_spots(figure, axes, spots)
    key.axis("off")
    lines = []
    for number, item in enumerate(items, start=1):
        flag = " (everyone passes)" if item.passed == item.students else \
            " (everyone fails)" if item.passed == 0 else ""
        lines.append(textwrap.shorten(f"{number}. {item.question}: {item.description}", 52 - len(flag),
                                      placeholder="…") + flag)
    key.text(0, 1, "\n".join(lines), va="top", ha="left", fontsize=7, family="monospace", transform=key.transAxes)
    return figure


def _number_spots(figure: Figure, axes: Any, spots: dict[tuple[float, float], list[int]]) -> None:
    """Label each spot with its tests' numbers, at the first of eight places around it that overlaps no marker
    and no label placed before, and stays inside the axes (up and right of it otherwise)."""
    from matplotlib.transforms import Bbox

    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()
    inside = axes.get_window_extent(renderer)
    points = [axes.transData.transform((x, y)) for x, y in spots]
    placed: list[Any] = [Bbox.from_extents(px - 4, py - 4, px + 4, py + 4) for px, py in points]  # the markers
    for (x, y), numbers in spots.items():
        text = ", ".join(map(str, numbers))
        for dx, dy in ((6, 4), (6, -10), (-6, 4), (-6, -10), (0, 9), (0, -14), (12, -3), (-12, -3)):
            label = axes.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7,
                                  ha="left" if dx > 0 else "right" if dx < 0 else "center")
            box = label.get_window_extent(renderer)
            if inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1) \
                    and not any(box.overlaps(other) for other in placed):
                break
            label.remove()
        else:
            label = axes.annotate(text, (x, y), xytext=(6, 4), textcoords="offset points", fontsize=7)
            box = label.get_window_extent(renderer)
        placed.append(box)
