"""Pages of fapiao.invoices, one module per page: listing (发票 list and its downloads),
detail (one invoice), scan (扫描上传: upload, each file's reading, the original and its
preview). The confirm step that submits an upload for review is review.views.confirm."""
