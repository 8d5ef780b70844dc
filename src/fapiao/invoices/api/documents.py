"""Uploads REST API (/api/v1/documents): store originals and queue their reading, then
report each document's state. A user sees the documents they uploaded; roles that see
the whole organisation see all of its documents; another organisation's is a 404."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from fapiao.api.common import ProblemOut, before_page, before_query, caller, id_path, problems
from fapiao.errors import PermissionDenied
from fapiao.invoices import document_schemas as out
from fapiao.invoices import ingest
from fapiao.invoices.models import DocumentState
from fapiao.invoices.originals import get_upload, visible_documents
from fapiao.invoices.tasks import enqueue_reading

log = logging.getLogger(__name__)
router = Router(tags=["上传文件"])

PROBLEMS = problems(401, 404, 422)
DocumentId = id_path("文件编号（id）")


@router.post(
    "",
    response={202: out.UploadOut, 403: ProblemOut, **PROBLEMS},
    summary="上传发票文件（可多个）",
    description="multipart 表单，字段名 `files`，可重复。每个文件先保存原件，立即返回 202 和"
    "文件编号；识别在后台进行，用 `GET /api/v1/documents/{id}` 查看进度（queued / processing"
    " / done / failed）。同一组织再次上传完全相同的文件，返回已有的文件记录；"
    "若那份文件是您看不到的他人上传，只返回 `existing: true` 和 error_code "
    "`already_uploaded`，不含他人的文件名和状态。识别出的发票"
    "先处于 processing（待上传人核对），上传人核对后用 `POST /api/v1/invoices/{id}/transitions`"
    "（action=submit）提交审核。电子税务局导出的发票清单（.xlsx）按平台导入处理，结果见"
    " extraction.import。",
)
def upload(request: HttpRequest, files: File[list[UploadedFile]]) -> Status[dict[str, Any]]:
    user = caller(request)
    if user.organisation is None:
        raise PermissionDenied("您的账户不属于任何组织，不能上传发票：请联系系统管理员。")
    stored: list[tuple[str, ingest.Upload | None]] = []
    for upload_file in files:
        name = upload_file.name or ""
        try:
            upload_result = ingest.store_upload(
                organisation=user.organisation,
                user=user,
                name=name,
                stream=upload_file,
                content_type=upload_file.content_type or "",
                enqueue=enqueue_reading,
            )
        except Exception:
            # One file that cannot be stored must not cost the others theirs.
            log.exception("storing an upload for org %s failed", user.organisation_id)
            upload_result = None
        stored.append((name, upload_result))
    # Re-read: with an immediate task backend the reading may already have finished. A
    # document someone else uploaded is shown only to those who see that person's uploads.
    ids = [u.document.pk for _, u in stored if u is not None]
    fresh = visible_documents(user).in_bulk(ids)
    answers = []
    for name, u in stored:
        if u is None:
            answers.append(out.not_stored(name))
        elif u.document.pk in fresh:
            answers.append(out.uploaded(fresh[u.document.pk], existing=u.existing))
        else:
            answers.append(out.already_uploaded(name))
    return Status(202, {"documents": answers})


@router.get(
    "",
    response={200: out.DocumentPage, **PROBLEMS},
    summary="我上传的文件",
    description="按上传时间倒序；翻页用上一页的 `next_before`。财务管理员、系统管理员和客服"
    "看到本组织全部上传。",
)
def list_documents(
    request: HttpRequest,
    state: DocumentState | None = None,
    before: int | None = before_query(),
    limit: int = Query(50, ge=1, le=500, description="每页条数，最多 500"),
) -> dict[str, Any]:
    qs = visible_documents(caller(request))
    if state:
        qs = qs.filter(state=state)
    page, next_before = before_page(qs, before=before, limit=limit)
    return {"items": [out.summary(doc) for doc in page], "next_before": next_before}


@router.get(
    "/{document_id}",
    response={200: out.DocumentDetail, **PROBLEMS},
    summary="查看一个上传文件的识别状态和结果",
    description="state 为 failed 时 error_code 和 error_message 说明原因；done 时 invoice_ids "
    "为识别出的发票，duplicate_of 为已经提交过的发票。",
)
def get_document(request: HttpRequest, document_id: int = DocumentId) -> dict[str, Any]:
    user = caller(request)
    return out.detail(get_upload(user, document_id), user)
