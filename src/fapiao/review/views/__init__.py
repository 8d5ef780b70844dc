"""Pages of fapiao.review, one module per page: mine (我的发票), queue (审核队列 with its
decisions, batch approval and the audit download), panel (the review panel on the invoice
page) and confirm (核对并提交, the last step of 扫描上传, which submits an upload)."""
