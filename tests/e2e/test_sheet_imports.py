"""A spreadsheet of requests imported in a real browser: upload (the static script shows the progress and opens
the preview), the preview names the bad cell, the corrected file previews clean, confirm, the requests are listed."""
from pathlib import Path

SUBJECT = "E2E imported request on the smuggling of migrants"


def test_upload_preview_confirm(page, live_server, sign_in, tmp_path: Path):
    url = live_server["url"]
    sign_in("officer")
    page.goto(url + "/requests/")
    page.click("a[href='/requests/import']")
    assert page.url.endswith("/requests/import")

    bad = tmp_path / "bad.csv"
    bad.write_text(f"State,Instruments,Kind,Subject\nYugoslavia,SOM,Training,{SUBJECT} 1\n"
                   f"Narnia,SOM,Training,{SUBJECT} 2\n")
    page.set_input_files("input[type=file]", str(bad))
    page.click("#upload-form [type=submit]")
    page.wait_for_url("**/requests/import/*")
    page.wait_for_selector("#problems")
    assert "1 with problems" in page.inner_text("#summary")
    assert "Narnia" in page.inner_text("#problems") and "State" in page.inner_text("#problems")
    assert page.locator("text=Import 1 requests").count() == 0  # nothing to confirm while a row is bad

    good = tmp_path / "good.csv"
    good.write_text(f"state,INSTRUMENTS,kind of assistance,title,Date received\n"
                    f"Yugoslavia,SOM,Training,{SUBJECT} 1,12 Mar 2003\n"
                    f"Bolivia (Plurinational State of),UNTOC; TIP,Legislative review,{SUBJECT} 2,2003-03-13\n")
    page.goto(url + "/requests/import")
    page.set_input_files("input[type=file]", str(good))
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/requests/import")) as sent:
        page.click("#upload-form [type=submit]")
    assert "application/json" in sent.value.headers["content-type"]  # sent by upload_progress.js, not the form
    page.wait_for_url("**/requests/import/*")
    assert "2 ready to import" in page.inner_text("#summary")
    page.reload()  # the preview is a page of its own: reloading posts nothing
    assert "2 ready to import" in page.inner_text("#summary")
    page.click("text=Import 2 requests")
    page.wait_for_url("**/jobs/*")  # the import is a job (issue 28): its page shows the outcome
    assert "Imported 2 requests from good.csv" in page.inner_text("main")
    page.goto(url + "/requests/?q=" + SUBJECT.replace(" ", "+"))
    assert page.locator(f"text={SUBJECT} 1").count() >= 1 and page.locator(f"text={SUBJECT} 2").count() >= 1
    # The bad file's preview answers 422, which the console reports; nothing else may fail.
    assert not [e for e in page.console_errors if "status of 422" not in e], page.console_errors
