"""Pages of 系统设置, one module per kind of thing the organisation's admin manages."""
