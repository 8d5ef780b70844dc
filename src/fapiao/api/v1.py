"""The NinjaAPI instance mounted at /api/v1 (OpenAPI docs at /api/docs). Each app's
endpoints live in its own api.py (or api/ package); this module mounts their routers."""

from __future__ import annotations

from ninja import NinjaAPI

from fapiao.analytics.api import budgets_router
from fapiao.analytics.api import router as analytics_router
from fapiao.api import problems
from fapiao.api.auth import API_AUTH
from fapiao.api.me import router as me_router
from fapiao.feedback.api import router as feedback_router
from fapiao.invoices.api import documents, invoices
from fapiao.lookup.api import router as lookup_router
from fapiao.notify.api import router as notify_router
from fapiao.review.api import router as review_router

api = NinjaAPI(
    title="发票管家 Fapiao API",
    version="1",
    description="发票管家的 REST 接口。认证：登录会话，或 `Authorization: Bearer <令牌>`"
    "（在“我的 API 令牌”页面 /account/tokens/ 或用 `fapiao token --username 用户名` 生成，"
    "默认 90 天后过期）。错误以 RFC 9457 problem+json 返回，"
    "`code` 稳定可供程序判断，`detail` 为中文说明。",
    auth=API_AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
)
problems.install(api)

# review's routes live under /invoices/{id}/... and must be matched before the invoices
# router's own; each router owns its prefixes (see the modules).
api.add_router("/invoices", review_router)
api.add_router("/invoices", invoices.router)
api.add_router("/me", me_router)
api.add_router("/documents", documents.router)
api.add_router("/notifications", notify_router)
api.add_router("/lookup", lookup_router)
api.add_router("/analytics", analytics_router)
api.add_router("/budgets", budgets_router)
api.add_router("/feedback", feedback_router)
