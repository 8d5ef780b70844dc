"""Realistic received invoices as data: `generator.CorpusGenerator` (see its docstring).
No Django: only fapiao.core. The renderers that turn them into PDF, OFD, XML, Excel and
photos are test tools and live in tests/corpus/."""
