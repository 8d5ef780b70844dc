"""The demo: an organisation a new user explores first, and the invoice generator behind it.

- `corpus/`: realistic received invoices as data (`CorpusGenerator`), deterministic for a
  seed; pure (no Django), so the tests and the benchmarks use it too
  (`python -m fapiao.demo.corpus` prints a few as JSON lines).
- `load.py`: `load_demo` (`fapiao demo`, `fapiao serve --demo`) creates 北京示例科技有限公司
  with its people and invoices, then each app's demo state: `review.py` (audit trail),
  `notify.py` (inbox), `feedback.py` (tickets), `lookup.py` (sync sources), `analytics.py`
  (category rules, budgets).

This package sits above the apps (it uses all of them, like `cli`); no app imports it.
Nothing is imported here, so the generator loads without Django.
"""
