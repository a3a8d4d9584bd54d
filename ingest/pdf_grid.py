"""Tables a PDF draws without rules (a browser's default table, a word processor's borderless
one): under a bold header row, lines whose cells stand in the same columns. Read as lines, each
row was a paragraph and the header a heading over them; as rows, each is read with its header
("Shanghai — population: 23390000")."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.pdf_lines import Line

_MIN_ROWS = 3  # the header and two rows whose cells stand apart
_ALIGN = 3.0  # points: the cells of a column start, end or centre within this of each other
_CELL_GAP = 0.3  # of the type's size: words this far apart are in two cells (a space is ~0.25)

Cell = tuple[float, float, str]
Grid = tuple[int, float, list[tuple[str, ...]]]  # page, top, rows (the header first)


def unruled_tables(lines: Sequence[Line]) -> tuple[list[Line], list[Grid]]:
    """`lines` less the rows of the tables found among them, and those tables."""
    rest: list[Line] = []
    found: list[Grid] = []
    i = 0
    while i < len(lines):
        spans = _spans_at(lines, i)
        rows = [tuple(c[2] for c in _cells(lines[i]))]
        end = i + 1
        # Each row's words fall in the columns: rows whose cells nearly touch (a long name
        # against a number) too, and rows over a page break.
        while spans and end < len(lines) and (row := _row(lines[end], spans)):
            rows.append(row)
            end += 1
        if len(rows) < _MIN_ROWS:
            rest.append(lines[i])
            i += 1
            continue
        found.append((lines[i].page, lines[i].top, rows))
        i = end
    return rest, found


def _spans_at(lines: Sequence[Line], i: int) -> list[tuple[float, float]]:
    """The columns of a table whose header is lines[i], read from the rows below it whose cells
    stand apart (the first row's may touch); [] when lines[i] heads no table."""
    if not lines[i].bold or len(_cells(lines[i])) < 2:
        return []
    for start in (i + 1, i + 2):
        end = _run_end(lines, start) if start < len(lines) else start
        rows = end - start >= _MIN_ROWS - 1
        if rows and len(_cells(lines[start])) == len(_cells(lines[i])):
            spans = _columns([lines[i], *lines[start:end]])
            if spans:
                return spans
    return []


def _cells(line: Line) -> list[Cell]:
    cells: list[Cell] = []
    for x0, x1, text in line.words:
        if cells and x0 - cells[-1][1] < _CELL_GAP * max(line.size, 1.0):
            cells[-1] = (cells[-1][0], x1, f"{cells[-1][2]} {text}")
        else:
            cells.append((x0, x1, text))
    return cells


def _run_end(lines: Sequence[Line], start: int) -> int:
    """Where the run of lines with as many cells as lines[start] (two or more), on its page,
    ends."""
    first, count = lines[start], len(_cells(lines[start]))
    end = start
    while (
        end < len(lines)
        and count > 1
        and len(_cells(lines[end])) == count
        and lines[end].page == first.page
        and (end == start or lines[end].top > lines[end - 1].top)
    ):
        end += 1
    return end


def _columns(run: Sequence[Line]) -> list[tuple[float, float]]:
    """The columns' spans when `run` is a table under a bold header, else []."""
    header, body = _cells(run[0]), [_cells(line) for line in run[1:]]
    if not run[0].bold or any(line.bold for line in run[1:]):
        return []
    spans = [(min(r[j][0] for r in body), max(r[j][1] for r in body)) for j in range(len(header))]
    if any(spans[j][1] >= spans[j + 1][0] for j in range(len(spans) - 1)):
        return []
    for j, (lo, hi) in enumerate(spans):
        column = [r[j] for r in body]
        if not any(max(v) - min(v) <= _ALIGN for v in _edges(column)):
            return []  # a column's cells neither start, end nor centre together: prose
        if not (header[j][0] < hi and header[j][1] > lo):
            return []
    return spans


def _row(line: Line, spans: list[tuple[float, float]]) -> tuple[str, ...]:
    """`line`'s words as the cells of one more row, or () if a word runs across two columns or
    the first column is empty."""
    if line.bold or not line.words:
        return ()
    cells: list[list[str]] = [[] for _ in spans]
    starts = [lo - _ALIGN for lo, _ in spans[1:]]
    for x0, x1, text in line.words:
        j = sum(x0 >= start for start in starts)
        if j + 1 < len(spans) and x1 > starts[j]:
            return ()
        cells[j].append(text)
    return tuple(" ".join(c) for c in cells) if cells[0] and sum(map(bool, cells)) > 1 else ()


def _edges(cells: Sequence[Cell]) -> tuple[list[float], ...]:
    return [c[0] for c in cells], [c[1] for c in cells], [(c[0] + c[1]) / 2 for c in cells]
