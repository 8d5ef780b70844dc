"""Periodic jobs of fapiao.lookup (see fapiao.jobs): the upstream sync.

One sync round imports the Excel exports dropped into FAPIAO_SYNC_INBOX_DIR, then verifies
the pending invoices of each source with the tax platform and applies 作废/红冲. It runs on
one worker at a time (`exclusive`): two rounds at once would verify the same invoices
twice (each check counts against the platform's daily limit) and race to move the same
export file. `fapiao sync` runs a round by hand or from cron, under the same lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fapiao.jobs import periodic
from fapiao.lookup import conf
from fapiao.lookup.inbox import InboxReport, export_source, import_inbox
from fapiao.lookup.models import SyncSource
from fapiao.lookup.sync import SyncReport, sync_source


@dataclass
class SyncRound:
    inbox: InboxReport | None = None  # None when one other source was asked for
    sources: list[tuple[SyncSource, SyncReport]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.inbox and self.inbox.failed) or any(
            report.status != "ok" for _, report in self.sources
        )

    def lines(self) -> list[str]:
        """What happened, for a person: one line for the exports and one per source."""
        out = []
        if self.inbox is not None:
            inbox = self.inbox
            out.append(
                f"导出文件：导入 {len(inbox.imported)} 个文件，新增发票 {inbox.created} 张，"
                f"更新状态 {inbox.status_updates} 张。"
            )
            out += [f"  未能导入 {name}：{reason}" for name, reason in inbox.failed]
        for source, report in self.sources:
            state = (
                "成功"
                if report.status == "ok" and not report.message
                else f"未完成（{report.message}）"
            )
            out.append(
                f"{source.name}：{state}，查验 {report.checked} 张，状态变化 {report.changed} 张。"
            )
        return out


def sync_round(*, source: str | None = None, batch: int = 50) -> SyncRound:
    """The export inbox and every source (or only the source with slug `source`)."""
    result = SyncRound()
    exports = export_source().slug
    if not source or source == exports:
        result.inbox = import_inbox()
    sources = SyncSource.objects.exclude(slug=exports).order_by("slug")
    if source:
        sources = sources.filter(slug=source)
    result.sources = [(s, sync_source(source=s, batch=batch)) for s in sources]
    return result


def _interval() -> float:
    return conf.sync_interval_minutes() * 60.0


@periodic(
    "lookup.sync",
    every=_interval,
    exclusive=True,
    help="与上游同步：导入电子税务局导出文件，查验待查发票并更新作废/红冲状态",
)
def sync_upstream() -> str:
    result = sync_round()
    nothing = not result.sources and not (result.inbox and result.inbox.imported)
    return "" if nothing else "\n".join(result.lines())
