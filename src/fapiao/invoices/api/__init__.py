"""REST endpoints of fapiao.invoices, mounted by fapiao.api.v1: `invoices.router` at
/api/v1/invoices, `documents.router` (uploads and their reading) at /api/v1/documents."""
