"""PDF structure from the cues PDFs carry as browsers and word processors print them: bullets
drawn as shapes, headings set in bold at the body's size, paragraphs cut by a page break, running
headers and footers. Each PDF is written here with fpdf2 (no outline), then read by ingest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.loaders import load_document
from ingest.structure import Document

BODY = (
    "Hosting a community discussion is a good way to meet people and to learn from others. "
    "Each session lasts one hour and follows a short agenda that the host adapts to the group."
)
ITEMS = [
    "Attend an onboarding session before hosting",
    "Sign on at least five minutes before the session starts",
    "Complete the host form after each session you host",
]


def _pdf(**kwargs: Any) -> Any:
    from fpdf import FPDF

    class Guide(FPDF):
        def footer(self) -> None:
            if kwargs.get("footer"):
                self.set_y(-12)
                self.set_font("Helvetica", "", 8)
                self.cell(0, 6, f"Host handbook, page {self.page_no()}", align="C")

    pdf = Guide()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    return pdf


def _text(pdf: Any, text: str, style: str = "", size: int = 11, width: float = 0) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _read(pdf: Any, path: Path) -> Document:
    pdf.output(str(path))
    return load_document(path, "handbook")


def _units(doc: Document, title: str) -> list[tuple[str, str]]:
    section = next(s for s in doc.sections if s.title == title)
    return [(u.kind, u.text) for u in section.units]


def test_drawn_bullets_are_list_items_and_bold_body_lines_are_headings(tmp_path: Path) -> None:
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    _text(pdf, "Roles of a host", "B", 15)
    _text(pdf, BODY)
    # A heading at the body's size, set in bold, on two lines of a narrow column: one heading.
    _text(pdf, "Before and during the discussion session", "B", width=50)
    _text(pdf, "Specific responsibilities include:")
    pdf.set_font("Helvetica", "", 11)
    for n, item in enumerate(ITEMS):
        y = pdf.get_y()
        if n % 2:
            pdf.rect(x=14, y=y + 1.6, w=1.6, h=1.6, style="F")
        else:
            pdf.circle(x=14.8, y=y + 2.4, radius=0.9, style="F")
        pdf.set_x(20)
        pdf.multi_cell(0, 6, item, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _text(pdf, BODY + " **Note** the form is short.")

    doc = _read(pdf, tmp_path / "bullets.pdf")

    titles = [s.title for s in doc.sections]
    assert titles[0] == "Roles of a host"
    bold = "Before and during the discussion session"
    assert titles[1] == bold
    units = _units(doc, bold)
    assert [text.split(": ", 1)[-1] for kind, text in units if kind == "list_item"] == ITEMS
    # The paragraph after the list is its own unit, not the last item's tail.
    assert units[-1] == ("paragraph", BODY + " **Note** the form is short.")


def test_a_page_break_mid_sentence_keeps_the_paragraph_and_running_lines_go(
    tmp_path: Path,
) -> None:
    pdf = _pdf(footer=True)
    _text(pdf, "Host handbook", "B", 20)
    for n in range(1, 6):
        _text(pdf, f"Part {n}", "B", 15)
        # Long enough that some paragraph runs over a page break mid-sentence.
        _text(pdf, " ".join([BODY] * 12))

    doc = _read(pdf, tmp_path / "pages.pdf")

    assert pdf.page_no() >= 3
    units = [u for s in doc.sections for u in s.units]
    assert not any("page" in u.text.casefold() for u in units), "the running footer is text"
    # Every part's paragraph is read whole, wherever the pages break it.
    assert [s.title for s in doc.sections] == [f"Part {n}" for n in range(1, 6)]
    for section in doc.sections:
        assert [u.text for u in section.units] == [" ".join([BODY] * 12)]


def test_a_sentence_that_ends_at_the_foot_of_a_page_ends_its_paragraph(tmp_path: Path) -> None:
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    _text(pdf, "Part one", "B", 15)
    pdf.set_font("Helvetica", "", 11)
    while pdf.get_y() < pdf.h - 30:  # one-line paragraphs, no gap between them, to the foot
        pdf.multi_cell(0, 6, "A short sentence ends this line.", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 6, "A new paragraph opens the next page.", new_x="LMARGIN", new_y="NEXT")

    doc = _read(pdf, tmp_path / "foot.pdf")

    units = [u.text for u in doc.sections[0].units]
    assert units[-1] == "A new paragraph opens the next page."


def test_bullets_set_as_characters_by_word_processors_start_list_items() -> None:
    from ingest.budgets import Budgets
    from ingest.pdf import _blocks
    from ingest.pdf_lines import Line

    # Word's PDF export sets bullets in Symbol or Wingdings (private-use code points); Google
    # Docs uses ● ○ ■.
    bullets = ["\uf0b7", "\uf0a7", "●", "○", "■", "•"]
    lines = [Line(0, 10.0, 20.0, 11.0, "Specific responsibilities include:", 10.0)]
    lines += [Line(0, 10.0 + 12 * n, 20.0 + 12 * n, 11.0, f"{b} Item {n}", 20.0)
              for n, b in enumerate(bullets, start=1)]  # fmt: skip

    blocks = _blocks(lines, [], {}, Budgets().start("word.pdf"))

    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Specific responsibilities include:"),
        *(("list_item", f"Item {n}") for n in range(1, len(bullets) + 1)),
    ]


def test_a_guide_set_all_in_bold_has_no_bold_headings() -> None:
    from ingest.budgets import Budgets
    from ingest.pdf import _blocks
    from ingest.pdf_lines import Line

    texts = ["Plan the room", "Book it early", "Check the access", "Send the agenda"]
    lines = [Line(0, 10.0 + 30 * n, 20.0 + 30 * n, 11.0, t, 10.0, bold=True)
             for n, t in enumerate(texts)]  # fmt: skip

    blocks = _blocks(lines, [], {}, Budgets().start("bold.pdf"))

    assert [b.kind for b in blocks] == ["paragraph"]
    assert blocks[0].text == " ".join(texts)


def test_a_bold_question_at_the_body_size_stays_text() -> None:
    from ingest.budgets import Budgets
    from ingest.pdf import _blocks
    from ingest.pdf_lines import Line

    # A FAQ as a browser prints one: each question a bold line, its answer in the body face.
    faq = [("What if someone talks too much?", True), ("Limit the time each person has.", False),
           ("Ask the quiet ones first.", False), ("Before the session", True),
           ("Sign on five minutes early.", False)]  # fmt: skip
    lines = [Line(0, 10.0 + 30 * n, 20.0 + 30 * n, 11.0, text, 10.0, bold=bold)
             for n, (text, bold) in enumerate(faq)]  # fmt: skip

    blocks = _blocks(lines, [], {}, Budgets().start("faq.pdf"))

    assert [(b.kind, b.text) for b in blocks] == [
        (
            "paragraph",
            "What if someone talks too much? Limit the time each person has. "
            "Ask the quiet ones first.",
        ),
        ("heading", "Before the session"),
        ("paragraph", "Sign on five minutes early."),
    ]


def test_a_bookmarked_heading_set_on_two_lines_is_one_heading(tmp_path: Path) -> None:
    pdf = _pdf()
    long_title = "What a host does before, during and after each community discussion"
    for title, width in (("Host handbook", 0), (long_title, 70), ("Roles", 0)):
        pdf.start_section(title, level=0 if title == "Host handbook" else 1)
        _text(pdf, title, "B", 15, width)  # 70 mm: the long title wraps
        if title != "Host handbook":
            _text(pdf, BODY)
    doc = _read(pdf, tmp_path / "outlined.pdf")
    assert [s.title for s in doc.sections] == [long_title, "Roles"]
    assert _units(doc, long_title) == [("paragraph", BODY)]


def test_a_heading_printed_with_its_number_is_its_bookmark(tmp_path: Path) -> None:
    # Texinfo and LaTeX bookmark "Roles" and print "2.1 Roles": no heading matched its bookmark,
    # and a whole manual was one section.
    pdf = _pdf()
    for number, title in (("1", "Host handbook"), ("2.1", "Roles"), ("A.1", "Licence")):
        pdf.start_section(title, level=0 if number == "1" else 1)
        _text(pdf, f"{number} {title}", "B", 15)
        _text(pdf, BODY)
    doc = _read(pdf, tmp_path / "numbered.pdf")
    assert [s.title for s in doc.sections] == ["1 Host handbook", "2.1 Roles", "A.1 Licence"]
    assert _units(doc, "2.1 Roles") == [("paragraph", BODY)]


LEFT = (
    "Before the session, sign on five minutes early so that the co-host can test audio and "
    "video, then read the agenda and prepare two questions that start the discussion."
)
RIGHT = (
    "After the session, fill out the host form within two days: it sends an email to the "
    "training team, who update the attendance records of everyone who took part."
)


def test_a_page_set_in_two_columns_is_read_a_column_at_a_time(tmp_path: Path) -> None:
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    top = pdf.get_y()
    pdf.set_xy(10, top)
    _text(pdf, "Before and after", "B", 15, 85)  # only the left column has a heading
    pdf.set_x(10)
    _text(pdf, LEFT, width=85)
    pdf.set_xy(110, top)
    _text(pdf, RIGHT, width=85)
    pdf.set_xy(10, max(pdf.get_y(), top + 60))
    _text(pdf, BODY)  # across the page again, under both columns
    doc = _read(pdf, tmp_path / "columns.pdf")
    assert _units(doc, "Before and after") == [
        ("paragraph", LEFT),
        ("paragraph", RIGHT),
        ("paragraph", BODY),
    ]


def test_a_heading_under_two_columns_comes_after_both(tmp_path: Path) -> None:
    # A newsletter's or a report's page: two columns, then a short heading and text across the
    # page. The heading stands at the left margin, like the left column's lines.
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    top = pdf.get_y()
    pdf.set_xy(10, top)
    _text(pdf, "Before and after", "B", 15, 85)
    pdf.set_x(10)
    _text(pdf, LEFT, width=85)
    pdf.set_xy(110, top)
    _text(pdf, RIGHT, width=85)
    pdf.set_xy(10, max(pdf.get_y(), top + 60))
    _text(pdf, "Closing", "B", 15)
    _text(pdf, BODY)
    doc = _read(pdf, tmp_path / "columns.pdf")
    assert _units(doc, "Before and after") == [("paragraph", LEFT), ("paragraph", RIGHT)]
    assert _units(doc, "Closing") == [("paragraph", BODY)]


def test_an_unruled_table_is_not_taken_for_columns(tmp_path: Path) -> None:
    pdf = _pdf()
    _text(pdf, "Cities", "B", 15)
    _text(pdf, BODY)
    pdf.set_font("Helvetica", "", 11)
    for city, people in (("Shanghai", "23,390,000"), ("Lagos", "21,324,000"),
                         ("Dhaka", "16,800,000"), ("Tokyo", "13,942,856")):  # fmt: skip
        pdf.cell(90, 6, city)
        pdf.cell(90, 6, people, new_x="LMARGIN", new_y="NEXT")
    doc = _read(pdf, tmp_path / "table.pdf")
    texts = [text for _, text in _units(doc, "Cities")]
    assert texts[0] == BODY
    assert "Shanghai 23,390,000 Lagos 21,324,000" in texts[1]  # row by row, not column by column


def test_a_table_drawn_without_rules_under_a_bold_header_is_read_row_by_row(
    tmp_path: Path,
) -> None:
    # As a browser prints a Markdown table, and a word processor a borderless one: no rule for
    # pdfplumber's table finder, a bold header row, cells that stand in columns.
    pdf = _pdf()
    _text(pdf, "Cities", "B", 15)
    _text(pdf, BODY)
    rows = [
        ("City", "Population", "Country"),
        ("Shanghai", "23390000", "People's Republic of China"),
        ("Lagos", "21324000", "Nigeria"),
        ("Tokyo", "13942856", "Japan"),
    ]
    for n, row in enumerate(rows):
        pdf.set_font("Helvetica", "B" if n == 0 else "", 11)
        for width, cell in zip((40, 35, 80), row, strict=True):
            pdf.cell(width, 6, cell)
        pdf.ln(6)
    pdf.ln(3)
    _text(pdf, BODY)
    assert _units(_read(pdf, tmp_path / "table.pdf"), "Cities") == [
        ("paragraph", BODY),
        ("table_row", "Shanghai — Population: 23390000; Country: People's Republic of China"),
        ("table_row", "Lagos — Population: 21324000; Country: Nigeria"),
        ("table_row", "Tokyo — Population: 13942856; Country: Japan"),
        ("paragraph", BODY),
    ]


def test_a_word_hyphenated_at_the_end_of_a_line_is_one_word(tmp_path: Path) -> None:
    # As a word processor or TeX sets justified text: "infor-" ends a line, "mation" opens the
    # next. The guide writes "information" and "well-known" elsewhere, on one line.
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    pdf.set_font("Helvetica", "", 11)
    lines = (
        "The information desk opens at nine and every well-known host",
        "keeps the infor-",
        "mation at hand and reads the well-",
        "known notes before the session starts.",
    )
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    (unit,) = _read(pdf, tmp_path / "hyphens.pdf").sections[0].units
    assert unit.text == (
        "The information desk opens at nine and every well-known host keeps the information at "
        "hand and reads the well-known notes before the session starts."
    )


def test_a_soft_hyphen_printed_by_a_browser_splits_no_word() -> None:
    # Chromium draws `&shy;` inside a word as a space of no width. The fixture was printed from
    # <p>Every incident com&shy;mander practises the hand&shy;over of ...</p> (not in
    # tests/fixtures, which the tests ingest as a corpus of guides).
    path = Path(__file__).parent / "data" / "soft-hyphens.pdf"
    doc = load_document(path, "handbook")
    assert [u.text for s in doc.sections for u in s.units] == [
        "Every incident commander practises the handover of responsibility."
    ]


def test_numbers_from_ten_glued_to_their_items_start_list_items(tmp_path: Path) -> None:
    # LibreOffice sets a number and its item a tab apart; from "10." on, pdfplumber reads no
    # space between them ("12.Upload the changes"). A decimal starts no item.
    pdf = _pdf()
    _text(pdf, "Setup", "B", 15)
    _text(pdf, "Follow these steps in order.")
    for line in ("9. Sign in to the console.", "10.Open the app.", "11.Save the file."):
        _text(pdf, line)
    _text(pdf, "Users", "B", 15)
    _text(pdf, "2.5 million people use it.")
    doc = _read(pdf, tmp_path / "steps.pdf")
    assert _units(doc, "Setup") == [
        ("paragraph", "Follow these steps in order."),
        ("list_item", "Sign in to the console."),
        ("list_item", "Open the app."),
        ("list_item", "Save the file."),
    ]
    assert _units(doc, "Users") == [("paragraph", "2.5 million people use it.")]


def test_words_a_typesetter_sets_apart_without_spaces_are_words(tmp_path: Path) -> None:
    # TeX and DocBook's FOP draw no space character: each word is placed on its own, a quarter
    # of an em after the one before (2.75 points in 11-point type, under pdfplumber's fixed
    # 3). The words ran together ("Hostingacommunitydiscussion...").
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    pdf.set_font("Helvetica", "", 11)
    gap = 0.25 * 11 * 25.4 / 72  # a quarter em, in fpdf's millimetres
    y = pdf.get_y() + 6
    for line in ("Hosting a community discussion is a good", "way to meet people."):
        x = pdf.l_margin
        for word in line.split():
            pdf.text(x, y, word)
            x += pdf.get_string_width(word) + gap
        y += 6
    (unit,) = _read(pdf, tmp_path / "typeset.pdf").sections[0].units
    assert unit.text == "Hosting a community discussion is a good way to meet people."


def test_a_book_s_chapter_headers_page_numbers_and_contents_are_not_text(tmp_path: Path) -> None:
    # As Texinfo and LaTeX set a manual: a contents page of dot leaders; each page headed by the
    # chapter it is in (each header on too few pages to count as running the whole book), a
    # chapter's first page numbered alone at its foot.
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    _text(pdf, "Contents", "B", 15)
    _text(pdf, "1 Roles . . . . . . . . . . . . . . . . 2")
    _text(pdf, "2 Sessions . . . . . . . . . . . . . . 4")
    for chapter, title in ((1, "Roles"), (2, "Sessions")):
        for page in range(3):
            pdf.add_page()
            pdf.set_font("Helvetica", "", 8)
            if page:
                pdf.cell(0, 6, f"Chapter {chapter}: {title} {pdf.page_no()}", align="R")
                pdf.ln(10)
            else:
                _text(pdf, f"{chapter} {title}", "B", 15)
            _text(pdf, BODY)
            if not page:
                pdf.set_y(-20)
                pdf.set_font("Helvetica", "", 8)
                pdf.cell(0, 6, str(pdf.page_no()), align="C")

    doc = _read(pdf, tmp_path / "book.pdf")

    texts = [u.text for s in doc.sections for u in s.units]
    assert not [t for t in texts if "Chapter" in t or ". . ." in t or t.isdigit()], texts
    assert [s.title for s in doc.sections][-2:] == ["1 Roles", "2 Sessions"]
    assert [u.text for u in doc.sections[-1].units] == [BODY, BODY, BODY]


def test_a_word_alone_at_a_page_s_foot_that_only_looks_like_a_numeral_stays_text(
    tmp_path: Path,
) -> None:
    # "ill" is made of the letters of roman numerals and is none: a paragraph's last word, set
    # alone at a page's foot, is the guide's text; "xii" there is the page's number.
    pdf = _pdf()
    _text(pdf, "Host handbook", "B", 20)
    for last in ("xii", "ill.", "civic."):
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, "Hosts rest when they are", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-30)
        pdf.multi_cell(0, 6, last, new_x="LMARGIN", new_y="NEXT")
        pdf.add_page()
    _text(pdf, BODY)

    text = " ".join(u.text for s in _read(pdf, tmp_path / "foot.pdf").sections for u in s.units)

    assert "xii" not in text
    assert "they are ill." in text
    assert "they are civic." in text


def test_code_set_in_a_monospaced_face_is_left_out_as_markdown_fences_are(
    tmp_path: Path,
) -> None:
    pdf = _pdf()
    _text(pdf, "Running the checks", "B", 15)
    _text(pdf, "Run the linter before every commit so that style issues never reach review:")
    pdf.set_font("Courier", "", 10)
    for line in ("$ make lint", "ruff check .", "mypy --strict src/"):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _text(pdf, "It takes a few seconds and prints one line for each problem it finds.")

    units = _units(_read(pdf, tmp_path / "code.pdf"), "Running the checks")

    assert units == [
        (
            "paragraph",
            "Run the linter before every commit so that style issues never reach review:",
        ),
        ("paragraph", "It takes a few seconds and prints one line for each problem it finds."),
    ]


def test_a_guide_typed_in_a_monospaced_face_keeps_its_text(tmp_path: Path) -> None:
    pdf = _pdf()
    pdf.set_font("Courier", "B", 16)
    pdf.cell(0, 9, "Running the checks", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "", 11)
    pdf.multi_cell(0, 6, "Run the linter before every commit.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.multi_cell(0, 6, "It prints one line for each problem.", new_x="LMARGIN", new_y="NEXT")

    units = _units(_read(pdf, tmp_path / "typed.pdf"), "Running the checks")

    assert [text for _, text in units] == [
        "Run the linter before every commit.",
        "It prints one line for each problem.",
    ]
