"""Personal data never reaches a log (PIPL): a filter on every handler masks numbers shaped
like tax ids, id card numbers and bank accounts in the message and in the traceback.

A belt on top of careful call sites (which log ids of rows, not their contents): an
exception's message, a reviewer's comment in an SMS, or a file name can still carry them.
"""

from __future__ import annotations

import logging

from fapiao.core.taxid import mask_personal_numbers


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatted here, once, so that every handler writes the masked traceback.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return True
