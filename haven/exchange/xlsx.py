"""HTCDS as an Excel workbook laid out like the standard's Excel template, and back.

The workbook is made from the CSV export, so its cells are exactly the CSV's values: row 1 holds
the system names (hidden, as in the template), row 2 the labels, column A numbers the rows, and
the cases start on row 3. Every value is written as text, so nothing in a cell is ever run as a
formula, and dates, phone numbers and codes stay as they were exported. Reading a workbook turns
its first sheet back into CSV rows (formula-guarded as the CSV export is, since the importer
takes the guard off every cell) for the importer, which already understands the template's
column A, its spellings and its label row.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from haven.exchange.columns import COLUMN_LABELS
from haven.lib.spreadsheets import SafeWriter, unguard

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"


def _text(sheet, value: str, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, a number or a date: the exported text as it is
    if bold:
        cell.font = Font(bold=True)
    return cell


def workbook_from_csv(pieces: Iterable[str]) -> bytes:
    """The workbook of a CSV export (its text in pieces, header first)."""
    rows = csv.reader(io.StringIO("".join(pieces)))
    header = next(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("HTCDS")
    sheet.freeze_panes = "C3"
    sheet.row_dimensions[1].hidden = True
    sheet.column_dimensions["A"].width = 6
    sheet.append([_text(sheet, ""), *(_text(sheet, name) for name in header)])
    sheet.append(
        [
            _text(sheet, ""),
            *(_text(sheet, COLUMN_LABELS.get(name, name), bold=True) for name in header),
        ]
    )
    for number, row in enumerate(rows, start=1):
        # Text cells never run, so the CSV's formula guard comes off (and goes back on read).
        sheet.append([number, *(_text(sheet, unguard(value)) for value in row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def is_workbook(content: bytes) -> bool:
    return content.startswith(ZIP_MAGIC)


class NotAWorkbook(ValueError):
    pass


def csv_text_from_workbook(content: bytes) -> str:
    """The first sheet as CSV text: every cell as the text Excel shows for a plain value."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors for damaged files
        raise NotAWorkbook(str(error)) from None
    try:
        sheet = book.worksheets[0]
        buffer = io.StringIO()
        writer = SafeWriter(buffer)
        for row in sheet.iter_rows(values_only=True):
            values = ["" if value is None else _cell_text(value) for value in row]
            while values and values[-1] == "":
                values.pop()
            if values:
                writer.writerow(values)
        return buffer.getvalue()
    finally:
        book.close()


def _cell_text(value) -> str:
    if hasattr(value, "isoformat"):  # a date typed in Excel: the importer reads YYYY-MM-DD
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)
