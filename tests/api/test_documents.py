"""POST/GET /api/v1/documents: upload many files, 202 at once, reading in the background,
state and extraction per document, who may see which document."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from fapiao.accounts.models import User
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.invoices.models import Document, DocumentState, Invoice
from tests.api.conftest import assert_problem
from tests.corpus.render_ofd import render_ofd
from tests.corpus.render_pdf import render_pdf
from tests.corpus.render_xml import render_xml
from tests.invoices.test_ingest import sample

URL = "/api/v1/documents"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ApiAs = Callable[[User], Client]


def post_files(client: Client, *files: tuple[str, bytes]) -> Any:
    uploads = [SimpleUploadedFile(name, blob) for name, blob in files]
    return client.post(URL, {"files": uploads})


def accepted(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 202, response.content.decode()
    return list(json.loads(response.content)["documents"])


def get(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return dict(json.loads(response.content))


@pytest.fixture
def submitter_client(users: dict[str, User], api_as: ApiAs) -> Client:
    return api_as(users["submitter"])


def test_xml_ofd_and_pdf_in_one_upload_become_invoices(
    submitter_client: Client,
    corpus: CorpusGenerator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    xml, ofd, pdf = sample(corpus, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_files(
            submitter_client,
            ("a.xml", render_xml(xml)),
            ("b.ofd", render_ofd(ofd)),
            ("c.pdf", render_pdf(pdf)),
        )
    entries = accepted(response)
    assert [e["name"] for e in entries] == ["a.xml", "b.ofd", "c.pdf"]
    for entry, inv in zip(entries, (xml, ofd, pdf), strict=True):
        assert entry["url"] == f"{URL}/{entry['id']}"
        doc = get(submitter_client, entry["url"])
        assert doc["state"] == "done", doc
        assert doc["state_label"] == "完成"
        [invoice_id] = doc["invoice_ids"]
        assert doc["duplicate_of"] == [] and doc["note"] == ""
        assert doc["extraction"]["invoices"][0]["invoice_number"] == inv.invoice_number
        invoice = get(submitter_client, f"/api/v1/invoices/{invoice_id}")
        assert invoice["invoice_number"] == inv.invoice_number
        assert invoice["total_amount"] == f"{inv.total_amount:.2f}"


def test_upload_answers_queued_before_reading(
    users: dict[str, User], api_as: ApiAs, corpus: CorpusGenerator
) -> None:
    # Without running the commit callbacks nothing is read yet: the answer does not wait.
    [inv] = sample(corpus)
    [entry] = accepted(post_files(api_as(users["submitter"]), ("a.xml", render_xml(inv))))
    assert entry["state"] == "queued"
    assert not Invoice.objects.exists()


def test_same_file_twice_is_one_document(
    submitter_client: Client, corpus: CorpusGenerator, django_capture_on_commit_callbacks: Any
) -> None:
    [inv] = sample(corpus)
    blob = render_xml(inv)
    # Callbacks run when each block ends: the first upload is read before the second.
    with django_capture_on_commit_callbacks(execute=True):
        [first] = accepted(post_files(submitter_client, ("a.xml", blob)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [second] = accepted(post_files(submitter_client, ("again.xml", blob)))
    assert callbacks == []  # nothing new to read
    assert second["id"] == first["id"]
    assert second["existing"] is True and first["existing"] is False
    assert second["state"] == "done"
    assert Document.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_a_colleagues_upload_of_the_same_bytes_is_not_described(
    users: dict[str, User],
    api_as: ApiAs,
    corpus: CorpusGenerator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Another submitter uploads the bytes a colleague did: told it was uploaded already,
    never the colleague's file name, document, or how its reading went."""
    [inv] = sample(corpus)
    blob = render_xml(inv)
    with django_capture_on_commit_callbacks(execute=True):
        [first] = accepted(post_files(api_as(users["submitter"]), ("张三-出差餐费.xml", blob)))
    [second] = accepted(post_files(api_as(users["submitter2"]), ("mine.xml", blob)))
    assert second["existing"] is True and second["error_code"] == "already_uploaded"
    assert "已经由本组织的其他人上传过" in second["error_message"]
    assert second["id"] is None and second["url"] is None
    assert second["name"] == "mine.xml"
    assert "张三" not in json.dumps(second, ensure_ascii=False)
    # Someone who sees every upload of the organisation is shown the document itself.
    [finance] = accepted(post_files(api_as(users["finance_admin"]), ("f.xml", blob)))
    assert finance["id"] == first["id"] and finance["name"] == "张三-出差餐费.xml"
    assert Document.objects.count() == 1


def test_pdf_after_xml_of_the_same_invoice_is_linked_as_a_duplicate(
    users: dict[str, User],
    api_as: ApiAs,
    corpus: CorpusGenerator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [inv] = sample(corpus)
    with django_capture_on_commit_callbacks(execute=True):
        accepted(post_files(api_as(users["submitter"]), ("a.xml", render_xml(inv))))
    with django_capture_on_commit_callbacks(execute=True):
        [entry] = accepted(post_files(api_as(users["submitter2"]), ("a.pdf", render_pdf(inv))))
    doc = get(api_as(users["submitter2"]), entry["url"])
    invoice = Invoice.objects.get()
    assert doc["state"] == "done"
    assert doc["duplicate_of"] == [invoice.pk]
    assert "重复" in doc["note"]
    assert invoice.has_duplicates
    finance = get(api_as(users["finance_admin"]), f"/api/v1/invoices/{invoice.pk}")
    assert finance["has_duplicates"] is True


def test_bad_files_fail_one_by_one_and_the_batch_goes_on(
    submitter_client: Client, corpus: CorpusGenerator, django_capture_on_commit_callbacks: Any
) -> None:
    [inv] = sample(corpus)
    bad = {
        "empty.pdf": (b"", "empty_file"),
        "notes.txt": (b"not an invoice at all", "unsupported_format"),
        "broken.ofd": (b"PK\x03\x04 truncated zip", "corrupt_file"),
    }
    files = [(name, blob) for name, (blob, _) in bad.items()] + [("good.xml", render_xml(inv))]
    with django_capture_on_commit_callbacks(execute=True):
        entries = accepted(post_files(submitter_client, *files))
    entries = [get(submitter_client, e["url"]) for e in entries]
    states = {e["name"]: (e["state"], e["error_code"]) for e in entries}
    assert states == {
        **{name: ("failed", code) for name, (_, code) in bad.items()},
        "good.xml": ("done", ""),
    }
    for entry in entries[:3]:
        assert CHINESE.search(entry["error_message"])
        stored = Document.objects.get(pk=entry["id"])
        assert default_storage.exists(stored.file.name)
    assert Invoice.objects.get().invoice_number == inv.invoice_number


def test_a_file_over_the_limit_fails_and_the_next_one_is_read(
    submitter_client: Client, corpus: CorpusGenerator, django_capture_on_commit_callbacks: Any
) -> None:
    small, big = sample(corpus, 2)
    small_blob, big_blob = render_xml(small), render_xml(big) + b" " * 4000
    with (
        override_settings(MAX_UPLOAD_BYTES=len(big_blob) - 1),
        django_capture_on_commit_callbacks(execute=True),
    ):
        entries = accepted(
            post_files(submitter_client, ("big.xml", big_blob), ("ok.xml", small_blob))
        )
        assert entries[0]["state"] == "failed"  # known at once, before any reading
    entries = [get(submitter_client, e["url"]) for e in entries]
    assert [(e["state"], e["error_code"]) for e in entries] == [
        ("failed", "too_large"),
        ("done", ""),
    ]
    assert "上限" in entries[0]["error_message"]
    assert default_storage.exists(Document.objects.get(pk=entries[0]["id"]).file.name)


def test_who_sees_which_document(
    users: dict[str, User],
    outsider: User,
    api_as: ApiAs,
    corpus: CorpusGenerator,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [inv] = sample(corpus)
    with django_capture_on_commit_callbacks(execute=True):
        [entry] = accepted(post_files(api_as(users["submitter"]), ("a.xml", render_xml(inv))))
    for name in ("submitter", "finance_admin", "admin", "support_agent"):
        assert get(api_as(users[name]), entry["url"])["id"] == entry["id"]
        listed = get(api_as(users[name]), URL)["items"]
        assert [d["id"] for d in listed] == [entry["id"]]
    for user in (users["submitter2"], users["reviewer"], outsider):
        assert_problem(api_as(user).get(entry["url"]), 404, "document_not_found")
        assert get(api_as(user), URL)["items"] == []
    assert_problem(api_as(outsider).get(f"{URL}/999999"), 404, "document_not_found")


def test_list_pages_and_filters_by_state(
    submitter_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    files = [(f"n{i}.txt", f"not an invoice {i}".encode()) for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        ids = [e["id"] for e in accepted(post_files(submitter_client, *files))]
    first = get(submitter_client, f"{URL}?limit=2")
    assert [d["id"] for d in first["items"]] == ids[::-1][:2]
    rest = get(submitter_client, f"{URL}?limit=2&before={first['next_before']}")
    assert [d["id"] for d in rest["items"]] == [ids[0]] and rest["next_before"] is None
    assert get(submitter_client, f"{URL}?state=done")["items"] == []
    assert len(get(submitter_client, f"{URL}?state=failed")["items"]) == 3


def test_anonymous_is_401(db: None) -> None:
    assert_problem(
        Client().post(URL, {"files": [SimpleUploadedFile("a.xml", b"x")]}), 401, "not_authenticated"
    )
    assert_problem(Client().get(f"{URL}/1"), 401, "not_authenticated")
    assert not Document.objects.exists()


def test_upload_without_files_is_422(submitter_client: Client) -> None:
    assert_problem(submitter_client.post(URL, {}), 422, "validation_error")


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_the_worker_read_the_upload(
    users: dict[str, User], api_as: ApiAs, corpus: CorpusGenerator
) -> None:
    from django_tasks_db.models import DBTaskResult

    [inv] = sample(corpus)
    with override_settings(TASKS=DB_TASKS):
        [entry] = accepted(post_files(api_as(users["submitter"]), ("a.xml", render_xml(inv))))
        assert entry["state"] == "queued"
        reading = DBTaskResult.objects.filter(task_path__endswith=".read_document")
        assert reading.count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        doc = Document.objects.get(pk=entry["id"])
        assert doc.state == DocumentState.DONE, doc.error_message
        assert Invoice.objects.get().invoice_number == inv.invoice_number
        # A second enqueue of the same document (a retry) changes nothing.
        from fapiao.invoices.tasks import enqueue_reading

        enqueue_reading(doc.pk)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert Invoice.objects.count() == 1
        assert Document.objects.get(pk=doc.pk).attempts == 1
        # Other apps may queue their own follow-up work (e.g. analytics re-categorising);
        # what matters here is that both readings ran and the second one changed nothing.
        assert reading.filter(status="SUCCESSFUL").count() == 2


def test_a_file_that_cannot_be_stored_does_not_cost_the_others_theirs(
    submitter_client: Client,
    corpus: CorpusGenerator,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from fapiao.invoices import ingest

    [inv] = sample(corpus)
    store = ingest._store_original

    def disk_full_for_one(sha256: str, stream: Any) -> str:
        if stream.read() == b"the one that hits a full disk":
            raise OSError(28, "No space left on device")
        stream.seek(0)
        return store(sha256, stream)

    monkeypatch.setattr(ingest, "_store_original", disk_full_for_one)
    with django_capture_on_commit_callbacks(execute=True):
        lost, kept = accepted(
            post_files(
                submitter_client,
                ("lost.pdf", b"the one that hits a full disk"),
                ("kept.xml", render_xml(inv)),
            )
        )
    assert (lost["id"], lost["state"], lost["error_code"]) == (None, "failed", "storage_error")
    assert CHINESE.search(lost["error_message"])
    assert get(submitter_client, kept["url"])["state"] == "done"
    assert Document.objects.count() == 1
