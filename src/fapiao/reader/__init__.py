"""The reader: bytes of an uploaded file -> ExtractionResult. Pure, no Django.

sniff -> one reader per format (registry) -> field resolution (QR + text + layout) ->
rules from fapiao.core. `fapiao extract` runs it with no database.
"""
