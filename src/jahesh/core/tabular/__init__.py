"""The one Excel/CSV import and export mechanism.

Import (units, fund members and loans, direct services…)::

    columns = [
        Column("name", "نام واحد", "Name", required=True, parse=text(max_length=200)),
        Column("workers", "تعداد کارکنان", "Workers", parse=integer(min=0, max=100_000)),
        Column("status", "وضعیت", "Status", parse=choice(Unit.Status.choices)),
        Column("visited_on", "تاریخ بازدید", "Visit date", parse=jalali_date()),
    ]
    reader = read_table(upload, filename=upload.name, columns=columns)   # InvalidInput if unusable
    report = run_import(reader, handle_batch=unit_import_batch, dry_run=preview)
    report.as_dict()          # {"created", "updated", "unchanged", "refused", "errors": [{"row", "column", "message"}], …}
    report.error_rows_xlsx()  # the refused rows with a reason column, to fix and upload again

Export: ``write_xlsx(columns, rows)`` / ``write_csv(columns, rows)`` and
``xlsx_response`` / ``csv_response`` (``table_response``: either, by format); the template: ``write_template(columns)``.
Web preview → confirm: ``import_page(request, stash_kind=…, run=…, columns=…,
template=…)`` is THE import page (upload, preview, confirm, report; the app's
template extends ``core/import_page.html``); ``upload_stash`` / ``stashed_upload``
keep the file between the two requests.
"""

from __future__ import annotations

from jahesh.core.tabular.columns import (
    Column,
    boolean,
    cell_value,
    choice,
    decimal,
    integer,
    jalali_cell,
    jalali_date,
    legal_id,
    mobile,
    money_rials,
    national_code,
    person_columns,
    text,
)
from jahesh.core.tabular.importing import ImportReport, Outcome, RefusedRow, refuse_with, run_import
from jahesh.core.tabular.pages import ImportRun, ImportUploadForm, import_page
from jahesh.core.tabular.progress import progress_printer
from jahesh.core.tabular.reading import (
    ACCEPT,
    REASON_HEADER,
    SOURCE_ROW_HEADER,
    CellError,
    Row,
    TableReader,
    read_table,
)
from jahesh.core.tabular.uploads import (
    StashedUpload,
    stashed_upload,
    upload_check,
    upload_path,
    upload_stash,
)
from jahesh.core.tabular.writing import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_response,
    table_response,
    write_csv,
    write_template,
    write_xlsx,
    xlsx_response,
)

__all__ = [
    "ACCEPT",
    "CSV_CONTENT_TYPE",
    "REASON_HEADER",
    "SOURCE_ROW_HEADER",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Column",
    "ImportReport",
    "ImportRun",
    "ImportUploadForm",
    "Outcome",
    "RefusedRow",
    "Row",
    "StashedUpload",
    "TableReader",
    "boolean",
    "cell_value",
    "choice",
    "csv_response",
    "decimal",
    "import_page",
    "integer",
    "jalali_cell",
    "jalali_date",
    "legal_id",
    "mobile",
    "money_rials",
    "national_code",
    "person_columns",
    "progress_printer",
    "read_table",
    "refuse_with",
    "run_import",
    "stashed_upload",
    "text",
    "upload_check",
    "upload_path",
    "upload_stash",
    "table_response",
    "write_csv",
    "write_template",
    "write_xlsx",
    "xlsx_response",
]
