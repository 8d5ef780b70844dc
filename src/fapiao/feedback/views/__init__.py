"""Pages of fapiao.feedback, one module per page: help_centre (帮助中心), tickets (the 反馈 dialog,
my tickets, one ticket and its actions), surveys (满意度调查), chat (在线客服, both sides)
and desk (客服工作台: queues, a ticket, reports)."""
