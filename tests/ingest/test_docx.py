"""Word documents as people write them: with heading styles, or with headings set in bold."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import load_document
from ingest.structure import Document

BODY = "Each session lasts one hour and follows a short agenda that the host adapts to the group."


def _docx(path: Path, parts: list[tuple[str, str]]) -> Document:
    """parts: (how, text); how is "bold" (a Normal paragraph, all bold), "h1"/"h2" (heading
    styles), "p" (plain) or "bold sentence"."""
    from docx import Document as new_document

    doc = new_document()
    for how, text in parts:
        if how in ("h1", "h2"):
            doc.add_heading(text, level=int(how[1]))
        else:
            doc.add_paragraph().add_run(text).bold = how.startswith("bold")
    doc.save(str(path))
    return load_document(path, "handbook")


def test_headings_set_in_bold_are_headings_when_no_heading_style_is_used(tmp_path: Path) -> None:
    doc = _docx(tmp_path / "bold.docx", [
        ("bold", "Host handbook"),
        ("bold", "Before the session"), ("p", BODY), ("p", BODY),
        ("bold", "During the session"), ("p", BODY),
        ("bold sentence", "Always start on time."), ("p", BODY),
        ("bold", "Why host a session?"), ("p", BODY),
    ])  # fmt: skip
    assert doc.title == "Host handbook"
    titles = ["Before the session", "During the session", "Why host a session?"]
    assert [s.title for s in doc.sections] == titles
    # A bold sentence is emphasis, not a heading.
    assert [u.text for u in doc.sections[1].units] == [BODY, "Always start on time.", BODY]


def test_bold_lines_stay_text_where_heading_styles_give_the_structure(tmp_path: Path) -> None:
    doc = _docx(tmp_path / "styled.docx", [
        ("h1", "Host handbook"),
        ("h2", "Before the session"), ("p", BODY), ("bold", "Tip"), ("p", BODY),
        ("h2", "During the session"), ("p", BODY),
    ])  # fmt: skip
    assert [s.title for s in doc.sections] == ["Before the session", "During the session"]
    assert [u.text for u in doc.sections[0].units] == [BODY, "Tip", BODY]


def test_a_document_set_mostly_in_bold_has_no_bold_headings(tmp_path: Path) -> None:
    doc = _docx(tmp_path / "loud.docx", [
        ("bold", "Host handbook"), ("bold", "Plan the room"), ("bold", "Book it early"),
        ("p", BODY),
    ])  # fmt: skip
    assert len(doc.sections) == 1
    units = [u.text for u in doc.sections[0].units]
    assert units == ["Host handbook", "Plan the room", "Book it early", BODY]


def test_house_heading_styles_are_headings(tmp_path: Path) -> None:
    """A style based on a heading style, or one that sets an outline level (as Word's
    navigation pane reads them), starts a section like Heading 1–9."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = new_document()
    chapter = doc.styles.add_style("Chapter", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = doc.styles["Heading 1"]
    section = doc.styles.add_style("Guide Section", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    section.element.get_or_add_pPr().append(outline)
    doc.add_paragraph("Host handbook", style="Title")
    for title, style in (("Before the session", "Chapter"), ("Accounts", "Guide Section")):
        doc.add_paragraph(title, style=style)
        doc.add_paragraph(BODY)
    doc.save(str(tmp_path / "house.docx"))
    read = load_document(tmp_path / "house.docx", "handbook")
    assert [s.title for s in read.sections] == ["Before the session", "Accounts"]
    assert [u.text for u in read.sections[1].units] == [BODY]


def test_text_in_content_controls_is_read_and_a_table_of_contents_is_not(
    tmp_path: Path,
) -> None:
    """Templates and forms hold their text in content controls (w:sdt); Word keeps its table of
    contents in one too."""
    from docx import Document as new_document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = new_document()
    doc.add_heading("Host handbook", 0)
    contents = doc.add_paragraph("Before the session 1")
    doc.add_heading("Before the session", 1)
    controlled = doc.add_paragraph(BODY)

    def control(paragraph: object, gallery: str | None = None) -> None:
        sdt, body = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        if gallery:
            properties, part, kind = (OxmlElement(t) for t in ("w:sdtPr", "w:docPartObj",
                                                               "w:docPartGallery"))  # fmt: skip
            kind.set(qn("w:val"), gallery)
            part.append(kind)
            properties.append(part)
            sdt.append(properties)
        element = paragraph._p  # type: ignore[attr-defined]
        element.addprevious(sdt)
        sdt.append(body)
        body.append(element)

    control(contents, "Table of Contents")
    control(controlled)
    doc.save(str(tmp_path / "controls.docx"))
    read = load_document(tmp_path / "controls.docx", "handbook")
    assert [(s.title, [u.text for u in s.units]) for s in read.sections] == [
        ("Before the session", [BODY])
    ]


def test_a_table_of_contents_in_its_paragraph_styles_is_left_out(tmp_path: Path) -> None:
    """Word's contents, as older Word and converters write them: "TOC Heading" (based on
    Heading 1) over "TOC 1"/"TOC 2" paragraphs, outside any content control."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE

    doc = new_document()
    doc.add_heading("Host handbook", 0)
    title = doc.styles["TOC Heading"]  # in python-docx's template, as in Word's
    assert title.base_style is not None and title.base_style.name == "Heading 1"
    doc.add_paragraph("Contents", style=title)
    for level, entry in ((1, "Before the session\t1"), (2, "Checking the agenda\t2")):
        style = doc.styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        doc.add_paragraph(entry, style=style)
    doc.add_heading("Before the session", 1)
    doc.add_paragraph(BODY)
    doc.save(str(tmp_path / "toc.docx"))
    read = load_document(tmp_path / "toc.docx", "handbook")
    assert [(s.title, [u.text for u in s.units]) for s in read.sections] == [
        ("Before the session", [BODY])
    ]


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    """A draft saved with changes tracked: inserted words are text, deleted ones are not."""
    from docx import Document as new_document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text: str, tag: str = "w:t") -> object:
        element, inner = OxmlElement("w:r"), OxmlElement(tag)
        inner.text = text
        inner.set(qn("xml:space"), "preserve")
        element.append(inner)
        return element

    doc = new_document()
    doc.add_heading("Leave", 1)
    paragraph = doc.add_paragraph("You get 25 days of leave")
    for tag, text in (("w:ins", " plus public holidays"), ("w:del", " and your birthday")):
        change = OxmlElement(tag)
        for name, value in (("w:id", "1"), ("w:author", "Editor")):
            change.set(qn(name), value)
        change.append(run(text, "w:t" if tag == "w:ins" else "w:delText"))
        paragraph._p.append(change)
    paragraph._p.append(run("."))
    doc.save(str(tmp_path / "draft.docx"))
    read = load_document(tmp_path / "draft.docx", "handbook")
    assert [u.text for s in read.sections for u in s.units] == [
        "You get 25 days of leave plus public holidays."
    ]


def test_a_runs_tabs_breaks_hyphens_and_links_read_as_python_docx_reads_them(
    tmp_path: Path,
) -> None:
    """The paragraph's text is gathered with one XPath, not python-docx's `text`: each piece of
    a run it reads, and the runs of a hyperlink, must still be there, in order."""
    from docx import Document as new_document
    from docx.oxml import OxmlElement

    doc = new_document()
    doc.add_heading("Leave", 1)
    paragraph = doc.add_paragraph()
    run = paragraph.add_run("A")
    for tag, text in (("w:tab", None), ("w:t", "well"), ("w:noBreakHyphen", None),
                      ("w:t", "known"), ("w:br", None), ("w:t", "policy")):  # fmt: skip
        piece = OxmlElement(tag)
        if text:
            piece.text = text
        run._r.append(piece)
    link = OxmlElement("w:hyperlink")
    link.append(paragraph.add_run(" covers it.")._r)  # moved from the paragraph into the link
    paragraph._p.append(link)
    assert paragraph.text == "A\twell-known\npolicy covers it."  # what python-docx reads
    doc.save(str(tmp_path / "leave.docx"))
    read = load_document(tmp_path / "leave.docx", "handbook")
    assert [u.text for s in read.sections for u in s.units] == ["A well-known policy covers it."]


def test_text_in_a_text_box_is_read_once(tmp_path: Path) -> None:
    """A callout in a text box: Word writes it as a drawing and again, for older readers, as
    VML in mc:Fallback; python-docx reads neither."""
    from docx import Document as new_document
    from docx.oxml import parse_xml

    def box(text: str) -> str:
        return f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"

    doc = new_document()
    doc.add_heading("Leave", 1)
    anchor = doc.add_paragraph("Book your leave early.")
    callout = "Tip: summer weeks go first."
    run = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
        f"<w:drawing><wps:txbx>{box(callout)}</wps:txbx></w:drawing></mc:Choice><mc:Fallback>"
        f"<w:pict><v:shape><v:textbox>{box(callout)}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    anchor._p.append(run)
    doc.add_paragraph("Ask your manager.")
    doc.save(str(tmp_path / "callout.docx"))
    read = load_document(tmp_path / "callout.docx", "handbook")
    assert [u.text for s in read.sections for u in s.units] == [
        "Book your leave early.",
        callout,
        "Ask your manager.",
    ]


def test_a_one_cell_table_around_a_callout_is_read(tmp_path: Path) -> None:
    """A callout boxed in a table of one cell: a header over no rows was left out whole."""
    from docx import Document as new_document

    doc = new_document()
    doc.add_heading("Leave", 1)
    doc.add_paragraph("Book your leave early.")
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "Tip: summer weeks go first."
    doc.save(str(tmp_path / "box.docx"))
    read = load_document(tmp_path / "box.docx", "handbook")
    assert [u.text for s in read.sections for u in s.units] == [
        "Book your leave early.",
        "Tip: summer weeks go first.",
    ]


_FOOTNOTES = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Hosts who miss two sessions in a row are </w:t></w:r>'
    "<w:r><w:t>asked whether they wish to stay on.</w:t></w:r></w:p></w:footnote>"
    '<w:footnote w:id="2"><w:p><w:r><w:t>The form closes 48 hours after the session.</w:t>'
    "</w:r></w:p></w:footnote></w:footnotes>"
)


def test_footnotes_are_read_after_the_paragraph_or_list_that_refers_to_them(
    tmp_path: Path,
) -> None:
    """python-docx reads no notes; a process guide's deadlines and exceptions live in them."""
    from docx import Document as new_document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = new_document()
    doc.add_heading("Host handbook", 0)
    doc.add_heading("Hosting", 1)
    doc.add_paragraph(BODY)
    items = [doc.add_paragraph(text, style="List Bullet") for text in ("Sign up", "Fill the form")]
    doc.add_heading("Stepping down", 1)
    stepping = doc.add_paragraph("Hosts may step down at any time.")
    for paragraph, note in ((items[1], "2"), (stepping, "1"), (items[0], "2")):
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), note)
        paragraph.add_run()._r.append(reference)
    notes = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        _FOOTNOTES.encode(),
        doc.part.package,
    )
    doc.part.relate_to(notes, RELATIONSHIP_TYPE.FOOTNOTES)
    doc.save(str(tmp_path / "notes.docx"))
    read = load_document(tmp_path / "notes.docx", "handbook")
    assert [(s.title, [(u.kind, u.text) for u in s.units]) for s in read.sections] == [
        ("Hosting", [
            ("paragraph", BODY),
            ("list_item", "Sign up"),
            ("list_item", "Fill the form"),
            ("paragraph", "The form closes 48 hours after the session."),  # once, after the list
        ]),
        ("Stepping down", [
            ("paragraph", "Hosts may step down at any time."),
            ("paragraph", "Hosts who miss two sessions in a row are asked whether they wish to "
                          "stay on."),
        ]),
    ]  # fmt: skip


def test_code_in_a_code_style_is_left_out_as_markdown_fences_are(tmp_path: Path) -> None:
    """pandoc sets code in "Source Code", Word in "HTML Preformatted"; a house style based on
    one is code too."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE

    doc = new_document()
    source = doc.styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    house = doc.styles.add_style("Shell Session", WD_STYLE_TYPE.PARAGRAPH)
    house.base_style = source
    doc.add_heading("Running the checks", level=1)
    doc.add_paragraph("Run the linter before every commit:")
    doc.add_paragraph("$ make lint", style="Source Code")
    doc.add_paragraph("ruff check .", style="Shell Session")
    doc.add_paragraph(BODY)
    doc.save(str(tmp_path / "code.docx"))
    read = load_document(tmp_path / "code.docx", "handbook")
    assert [u.text for u in read.sections[0].units] == ["Run the linter before every commit:", BODY]
