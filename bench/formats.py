"""The same guides as their authors wrote them (Markdown) and as users also get them: plain text
(headings as lines of their own, as the shipped guide is written; or wrapped at 72 columns with
underlined headings, as an editor saves it), HTML, the
HTML page as a docs site serves it (a sidebar of links before the content, a feedback box and a
footer after), PDF printed by Chromium, Word (.docx) with heading styles, the same .docx with
its headings set in bold instead (as many authors do), and the styled .docx saved as PDF by a
word processor (LibreOffice Writer, where `soffice` is installed), each format indexed on its
own and asked the guides' questions with the served retriever. A format read worse answers
worse.

    .venv/bin/python bench/formats.py [--split dev] [--formats md,pdf] [--out FILE.json]

The model is the one `guide-rag eval --guides` adapts to the eval corpus (models/eval-adapted,
made here if missing or out of date). The dev guides are where choices are made; the test
guides only report. Needs Chromium at /usr/bin/chromium for the PDFs.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchkit import ROOT, environment, print_rows, save

from config.settings import Settings
from evaluation.evalset import EvalSet
from evaluation.guides import EvalGuide, load_guides
from evaluation.held_out import corpus
from evaluation.metrics import evaluate_qa
from evaluation.models import calibrated_qa
from ingest.build import run_ingest
from ingest.embedder import embedder_for
from ingest.markdown import DIRECTIVE_OPTIONS, MYST_LABEL, PROSE_DIRECTIVE
from retriever.index import load_index
from tuning.tune import run_tune

FORMATS = ("md", "txt", "txt-wrapped", "rst", "html", "site", "pdf", "docx", "docx-bold", "office")
COLUMNS = ("hit@1", "fact@3", "chars@3", "answer_facts", "citation_precision", "oos_abstained",
           "false_abstention")  # fmt: skip
CHROMIUM = Path("/usr/bin/chromium")
# What a site generator reads and a reader never sees (the Markdown loader drops it too).
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)
_TEMPLATE = re.compile(r"\{\{(?:[^{}]|\{[^{}]*\})*\}\}|\{%[^{}]*%\}")  # one level of {} inside


def markdown_of(guide: EvalGuide) -> str:
    """The Markdown a page shows: no front matter, templates or MyST labels ("(label)=")."""
    text = _FRONT_MATTER.sub("", guide.path.read_text(encoding="utf-8"))
    return MYST_LABEL.sub("", _TEMPLATE.sub("", text))


def html_of(guide: EvalGuide) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    fence = md.renderer.rules["fence"]

    def directive(_renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        # A MyST directive whose body is prose ("```{admonition} Case Study", ":class: tip",
        # then text), as ingest.markdown reads it: a MyST site renders it as text, not code.
        info = tokens[idx].info.strip()
        found = PROSE_DIRECTIVE.match(info)
        if not found:
            return str(fence(tokens, idx, options, env))
        named = info[found.end() :].strip()
        title = f"<p><strong>{named}</strong></p>" if named else ""
        inner = md.render(DIRECTIVE_OPTIONS.sub("", tokens[idx].content))
        return f"<div class='admonition'>{title}{inner}</div>"

    md.add_render_rule("fence", directive)
    body = md.render(markdown_of(guide))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{guide.title}</title>"
            f"</head><body>{body}</body></html>")  # fmt: skip


def title_of(guide: EvalGuide) -> str:
    """The title the guide's page shows: its front matter's, else its catalogue title."""
    found = _FRONT_TITLE.search(guide.path.read_text(encoding="utf-8")[:2000])
    return found.group(1).strip().strip("\"'") if found else guide.title


def text_of(guide: EvalGuide, *, wrapped: bool = False) -> str:
    """Plain text: the title, then each heading, paragraph and list item ("- ") a line, tables in
    pipes; `wrapped`, as an editor saves it: at 72 columns, blank lines between blocks, headings
    underlined."""
    import textwrap

    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown_of(guide))
    blocks: list[str] = []
    if not (tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1"):
        blocks.append(title_of(guide))
    row: list[str] = []
    depth = 0  # lists open
    for n, t in enumerate(tokens):
        if t.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close":
            blocks.append(f"| {' | '.join(row)} |")
            if tokens[n - 2].type == "th_close":  # the header row: the separator after it
                blocks[-1] += "\n|" + "---|" * len(row)
        elif t.type == "inline" and tokens[n - 1].type in ("th_open", "td_open"):
            row.append(_inline(t))
        elif t.type == "inline":
            heading = tokens[n - 1].type == "heading_open"
            item = depth and tokens[n - 1].type == "paragraph_open"
            text = ("- " if item else "") + _inline(t)
            if wrapped and heading:
                text += "\n" + ("=" if tokens[n - 1].tag == "h1" else "-") * len(text)
            elif wrapped:
                text = textwrap.fill(text, 72, subsequent_indent="  " if item else "")
            blocks.append(text)
    if wrapped:  # a table's rows stay together
        return "\n\n".join(blocks).replace("|\n\n|", "|\n|") + "\n"
    return "\n".join(blocks) + "\n"


def site_page_of(guide: EvalGuide) -> str:
    """The page inside a docs site's chrome, its content marked as <main>."""
    links = "".join(f'<li><a href="/{n}">Related page {n}</a></li>' for n in range(1, 6))
    before = (
        f'<header><a href="/">Docs</a><nav><ul>{links}</ul></nav></header>'
        f'<div class="sidebar"><h2>Related topics</h2><ul>{links}</ul></div><main>'
    )
    after = (
        '</main><div class="feedback"><h2>Help improve this page</h2><p>Was this page '
        "helpful to you?</p></div><footer><p>Last modified by contributors.</p></footer>"
    )
    return html_of(guide).replace("<body>", f"<body>{before}").replace("</body>", f"{after}</body>")


def write_docx(guide: EvalGuide, target: Path, *, styled: bool = True) -> None:
    """Headings in Word's heading styles (or, not `styled`, bold Normal paragraphs), list items
    in its list styles, tables as tables."""
    from docx import Document
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown_of(guide))
    doc = Document()
    lists: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            if styled:
                doc.add_heading(_inline(tokens[i + 1]), level=min(int(t.tag[1]), 9))
            else:
                doc.add_paragraph().add_run(_inline(tokens[i + 1])).bold = True
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if t.type.startswith("bullet") else "List Number")
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t.type == "inline" and tokens[i - 1].type == "paragraph_open":
            doc.add_paragraph(_inline(t), style=lists[-1] if lists else None)
        elif t.type == "table_open":
            rows, i = _table(tokens, i)
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        i += 1
    doc.save(str(target))


_RST_ADORN = "=-~^\"'"  # the underline of each heading level; the title is overlined too
# What would start a list, a comment or a section line if a paragraph began with it.
_RST_START = re.compile(
    r"^(?:[-*+]|\d+[.)]|#\.|\(?[a-zA-Z0-9]+\)|\.\.|[=\-~^\"'`:.*+#]{4,})(?=\s|$)"
)


def rst_of(guide: EvalGuide) -> str:
    """reStructuredText as a Sphinx handbook is written: the title over- and underlined, each
    heading underlined by its level (no level skipped), lists and nested lists indented under
    their items, tables as list-tables, code as literal blocks."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown_of(guide))
    out: list[str] = []
    if not (tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1"):
        title = _rst_text(title_of(guide))
        out += ["=" * len(title), title, "=" * len(title), ""]
    indents: list[str] = []  # the indent of each open list's items' text
    markers: list[str] = []
    levels: list[int] = []  # the Markdown level of each open heading level
    fresh = False  # the next paragraph opens a list item
    i = 0
    while i < len(tokens):
        t, pad = tokens[i], "".join(indents[:-1]) if indents else ""
        if t.type == "heading_open":
            md = int(t.tag[1])
            while levels and levels[-1] >= md:
                levels.pop()
            levels.append(md)
            text = _rst_text(_inline(tokens[i + 1]))
            mark = _RST_ADORN[min(len(levels) - 1, len(_RST_ADORN) - 1)] * len(text)
            out += [mark, text, mark, ""] if md == 1 and len(levels) == 1 else [text, mark, ""]
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            markers.append("* " if t.type.startswith("bullet") else "#. ")
            indents.append(" " * len(markers[-1]))
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            markers.pop()
            indents.pop()
            out.append("")
        elif t.type == "list_item_open":
            fresh = True
        elif t.type == "inline" and tokens[i - 1].type == "paragraph_open":
            inner = "".join(indents)
            # A Docusaurus admonition's markers (":::caution") inside a paragraph part it.
            for part in filter(None, _MD_FENCE.split(_inline(t))):
                text = _rst_text(part)
                out += [pad + markers[-1] + text if fresh else inner + text, ""]
                fresh = False
        elif t.type == "fence" and _MYST.match(t.info):
            # A MyST directive ("{admonition} Case Study", "{note}"): the same directive in rST.
            name, title = _MYST.match(t.info).groups()  # type: ignore[union-attr]
            inner = "".join(indents)
            body = [line for line in t.content.splitlines() if not re.match(r"^:\w+:", line)]
            out += [f"{inner}.. {name}:: {_rst_text(title)}".rstrip(), "",
                    *(f"{inner}   {_rst_text(line)}" for line in body), ""]  # fmt: skip
        elif t.type in ("fence", "code_block"):
            inner = "".join(indents)
            out += [
                inner + "::",
                "",
                *(inner + "   " + line for line in t.content.splitlines()),
                "",
            ]
        elif t.type == "table_open":
            table, i = _table(tokens, i)
            rows = [[_rst_text(cell) or ".." for cell in row] for row in table]
            out += [".. list-table::", "   :header-rows: 1", ""]
            for row in rows:
                out += [f"   * - {row[0]}", *(f"     - {cell}" for cell in row[1:])]
            out.append("")
        i += 1
    return "\n".join(out) + "\n"


# Markdown's admonition markers (GitHub's "[!NOTE]", Docusaurus' ":::info"): an .rst has none.
_MD_MARKER = re.compile(r"^(?:\[!\w+\]|:::\s*\w*)\s*")
_MD_FENCE = re.compile(r"\s*:::\w*\s*")
_MYST = re.compile(r"^\{([\w-]+)\}\s*(.*)$")


def _rst_text(text: str) -> str:
    escaped = re.sub(r"([\\*`|_])", r"\\\1", _MD_MARKER.sub("", text))
    return "\\" + escaped if _RST_START.match(escaped) else escaped


def _table(tokens: list[Any], i: int) -> tuple[list[list[str]], int]:
    """The rows of the table whose `table_open` is tokens[i], and the index of its close."""
    rows: list[list[str]] = []
    while tokens[i].type != "table_close":
        if tokens[i].type == "tr_open":
            rows.append([])
        elif tokens[i].type == "inline":
            rows[-1].append(_inline(tokens[i]))
        i += 1
    return rows, i


def _inline(token: Any) -> str:
    pieces = [c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
              for c in token.children or []]  # fmt: skip
    return " ".join("".join(pieces).split())


def write_formats(guides: list[EvalGuide], folder: Path, formats: list[str]) -> None:
    """folder/<format>/<guide id>.<format> for each guide."""
    for fmt in formats:
        (folder / fmt).mkdir(parents=True)
    for g in guides:
        if "md" in formats:
            shutil.copy(g.path, folder / "md" / f"{g.id}.md")
        if "txt" in formats:
            (folder / "txt" / f"{g.id}.txt").write_text(text_of(g), encoding="utf-8")
        if "txt-wrapped" in formats:
            wrapped = text_of(g, wrapped=True)
            (folder / "txt-wrapped" / f"{g.id}.txt").write_text(wrapped, encoding="utf-8")
        if "rst" in formats:
            (folder / "rst" / f"{g.id}.rst").write_text(rst_of(g), encoding="utf-8")
        if "html" in formats:
            (folder / "html" / f"{g.id}.html").write_text(html_of(g), encoding="utf-8")
        if "site" in formats:
            (folder / "site" / f"{g.id}.html").write_text(site_page_of(g), encoding="utf-8")
        if "docx" in formats:
            write_docx(g, folder / "docx" / f"{g.id}.docx")
        if "docx-bold" in formats:
            write_docx(g, folder / "docx-bold" / f"{g.id}.docx", styled=False)
    if "office" in formats:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder / "office"),
             *(str(folder / "docx" / f"{g.id}.docx") for g in guides)],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
    if "pdf" in formats:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            page = browser.new_page()
            for g in guides:
                page.set_content(html_of(g))
                page.pdf(path=str(folder / "pdf" / f"{g.id}.pdf"))
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    if "office" in formats and shutil.which("soffice") is None:
        print("no soffice: apt-get install libreoffice-writer-nogui, or leave office out",
              file=sys.stderr)  # fmt: skip
        return 2
    if "office" in formats and "docx" not in formats:
        formats.insert(formats.index("office"), "docx")  # the office PDFs are made from it
    if "pdf" in formats and not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium, or leave pdf out", file=sys.stderr)
        return 2
    base = Settings().override(eval_dir=ROOT / "corpus" / "eval")
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    result: dict[str, Any] = {**environment(), "retriever": base.retrieval.retriever, "rows": {}}
    with tempfile.TemporaryDirectory(prefix="guide-rag-formats-") as tmp:
        folder, _ = corpus(base, Path(tmp) / "eval-corpus")
        adapted = run_tune(base.override(corpus_dir=folder,
                                         tuned_dir=base.paths.models / "eval-adapted"))  # fmt: skip
        embedder = embedder_for(base, str(adapted.model_dir))
        for split in splits:
            guides = load_guides(base.paths.eval, (split,))  # type: ignore[arg-type]
            root = Path(tmp) / split
            write_formats(guides, root, formats)
            questions = [g.questions() for g in guides]
            pooled = EvalSet(tuple(q for e in questions for q in e.questions),
                             tuple(o for e in questions for o in e.out_of_scope))  # fmt: skip
            for fmt in formats:
                index = base.override(corpus_dir=root / fmt, index_dir=root / f"index-{fmt}")
                run_ingest(index, embedder=embedder)
                qa = calibrated_qa(
                    load_index(index.paths.index), embedder, base.retrieval.retriever
                )
                metrics = evaluate_qa(qa, pooled)
                row = {c: round(metrics[c], 3) for c in COLUMNS}
                row["chunks"] = len(qa.build.chunks)
                result["rows"][f"{split} guides, {fmt}"] = row
                print(f"{split} guides, {fmt}", json.dumps(row), flush=True)
    figures = (*COLUMNS, "chunks")
    print_rows(
        f"the same guides in other formats, {base.retrieval.retriever} retrieval",
        ("guides, format", *figures),
        ([name, *(row[c] for c in figures)] for name, row in result["rows"].items()),
    )
    save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
