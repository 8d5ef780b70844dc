"""Pure invoice domain for Fapiao: kinds, code decoding, tax ids, money, QR, rules.

No Django here: the reader pipeline and the Django apps both build on these modules.
Import the submodule you need (``from fapiao.core.money import parse_money``).
"""
