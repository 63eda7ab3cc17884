"""How long a 5,000-row spreadsheet takes to preview (and to import), requests and activities, CSV and XLSX.

    .venv/bin/python bench/sheet_import.py            # SQLite in memory
    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/sheet_import.py
    BENCH_ROWS=20000 BENCH_CONFIRM=0 BENCH_FILES=requests.csv,activities.xlsx .venv/bin/python bench/sheet_import.py

Builds a fresh schema with the reference record, makes files of BENCH_ROWS rows (every row valid, States named by
code, name and alias in turn, some experts and requests named), then times, for each: reading the file, the
preview (every row through the form and the service's checks) with the number of queries it sent, and the whole
browser path (upload + preview page). The import itself (confirm, writing every row) is timed once per kind and
rolled back. A benchmark, not a test: nothing here asserts.
"""
from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import event  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
#: BENCH_CONFIRM=0 skips timing the import itself (minutes for thousands of activities).
CONFIRM = os.environ.get("BENCH_CONFIRM", "1") != "0"
#: e.g. BENCH_FILES=requests.csv,activities.csv
FILES = [f for f in os.environ.get("BENCH_FILES", "").split(",") if f]
STATES = ["BOL", "Bolivia (Plurinational State of)", "Yugoslavia", "Chile", "the Gambia", "Türkiye", "PER",
          "Viet Nam", "Republic of Moldova", "ROU"]


def requests_table(rows: int) -> list[list]:
    header = ["State", "Instruments", "Kind", "Subject", "Received", "Priority", "Channel", "Requesting authority"]
    kinds = ["Legislative review", "Training", "Needs assessment", "Implementation support"]
    body = [[STATES[n % len(STATES)], "UNTOC; TIP" if n % 2 else "SOM", kinds[n % 4], f"Request number {n}",
             f"{1 + n % 28} Mar 2003" if n % 3 else f"2002-{1 + n % 12:02d}-{1 + n % 28:02d}",
             ["Low", "Normal", "High", "Urgent"][n % 4], "Note verbale", "Ministry of Justice"] for n in range(rows)]
    return [header, *body]


def activities_table(rows: int, expert: str, request_id: int) -> list[list]:
    header = ["Kind", "Title", "Status", "Visit 1 city", "Visit 1 country", "Visit 1 start", "Visit 1 end",
              "Visit 2 city", "Visit 2 country", "Visit 2 start", "Visit 2 end", "States served", "Instruments",
              "Experts", "Requests", "Topics"]
    body = [["Advisory mission", f"Mission {n}", "Completed", "Capital", STATES[n % len(STATES)],
             f"{1 + n % 20} Jan 2003", f"{3 + n % 20} Jan 2003", "Second city", "BOL", "2003-11-05", "2003-11-06",
             "BOL; PER", "UNTOC; TIP", f"{expert} (legal adviser)" if n % 5 == 0 else "",
             f"#{request_id}" if n % 7 == 0 else "", "extradition; mutual legal assistance"] for n in range(rows)]
    return [header, *body]


def as_csv(table) -> bytes:
    import csv
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode("utf-8")


def as_xlsx(table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    os.environ.setdefault("PALERMO_ENV", "testing")
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    from app import create_app
    from app.seed.reference import load_reference
    from models import db
    from tests import factories

    app = create_app("testing")
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference()
        user = factories.user("officer", password="Bench-password-2026!", email="bench@example.test")
        expert = factories.expert(name="Bench Expert")
        answered = factories.request("BOL")
        db.session.commit()
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        files = spreadsheets(expert.name, answered.id)
        print(f"{ROWS:,} rows, database {db.engine.dialect.name}")
        print(f"{'file':<18} {'size':>9} {'read':>7} {'preview':>8} {'queries':>7} {'bad':>4} {'browser':>8}")
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "Bench-password-2026!"})
        for (kind, extension), data in files.items():
            if FILES and f"{kind}.{extension}" not in FILES:
                continue
            time_file(client, user, kind, extension, data, statements)
        db.session.remove()
        db.drop_all()


def spreadsheets(expert: str, request_id: int) -> dict[tuple[str, str], bytes]:
    """The files timed, by (kind, extension): requests and activities of ROWS rows, as CSV and as XLSX."""
    return {
        ("requests", "csv"): as_csv(requests_table(ROWS)),
        ("requests", "xlsx"): as_xlsx(requests_table(ROWS)),
        ("activities", "csv"): as_csv(activities_table(ROWS, expert, request_id)),
        ("activities", "xlsx"): as_xlsx(activities_table(ROWS, expert, request_id)),
    }


def time_file(client, user, kind: str, extension: str, data: bytes, statements: list) -> None:
    """One line of the table: reading the file, its preview (with the queries it sent: `statements` counts them)
    and the browser's upload + preview page; for a CSV, then the import itself, rolled back (unless
    BENCH_CONFIRM=0)."""
    from app.formats import sheets
    from app.scoping import EVERYTHING
    from app.services.sheets import sheet_uploads
    from models import db

    name = f"{kind}.{extension}"
    start = time.perf_counter()
    sheets.read(data, name)
    read = time.perf_counter() - start
    stored = sheet_uploads.upload(kind, data, name, user.id)
    statements.clear()
    start = time.perf_counter()
    report = sheet_uploads.preview(stored, EVERYTHING)
    preview = time.perf_counter() - start
    queries = len(statements)
    start = time.perf_counter()
    response = client.post(f"/{kind}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), name)})
    page = client.get(response.headers["Location"])
    browser = time.perf_counter() - start
    assert page.status_code == 200, page.get_data(as_text=True)[:3000]
    print(f"{name:<18} {len(data) / 1024:>7.0f}kB {read:>6.2f}s {preview:>7.2f}s {queries:>7} "
          f"{len(report.bad_rows):>4} {browser:>7.2f}s")
    for error in report.errors[:3]:
        print("   ", error)
    if extension == "csv" and CONFIRM:
        start = time.perf_counter()
        done = sheet_uploads.confirm(stored, EVERYTHING, user)
        db.session.flush()
        print(f"    confirm (write {len(done.written):,} {kind}, not committed): "
              f"{time.perf_counter() - start:.2f}s")
        db.session.rollback()


if __name__ == "__main__":
    main()
