"""OFD (GB/T 33190) package structure and page text with absolute positions.

The package is followed as declared (OFD.xml DocRoot -> Document.xml -> Page BaseLoc,
TemplatePage, CustomTags) instead of assuming Doc_0/Pages/Page_0: producers name folders
differently. Page text comes from TextObjects anywhere under the page (also inside
PageBlocks): Boundary origin + CTM applied to the TextCode X/Y and DeltaX advances.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from xml.etree.ElementTree import Element

from fapiao.reader.base import ReadError
from fapiao.reader.fields import squash
from fapiao.reader.safezip import SafeZip, normalize_name
from fapiao.reader.xml_einvoice import local, parse_xml

CORRUPT_MESSAGE = "OFD 文件已损坏或不完整：请从电子税务局重新下载原件后再上传。"


@dataclass(frozen=True)
class TextRun:
    """One TextCode: its text and where it sits on the page (mm, y grows downwards)."""

    id: str
    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float
    page: int
    key: str = ""  # NFKC text without spaces, for matching labels and patterns

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", squash(self.text))


@dataclass
class Line:
    y: float
    runs: list[TextRun]

    @cached_property
    def text(self) -> str:
        return "".join(r.key for r in self.runs)


def group_lines(runs: list[TextRun]) -> list[Line]:
    lines: list[Line] = []
    for run in sorted(runs, key=lambda r: (r.y, r.x0)):
        tolerance = max(1.2, 0.45 * run.size)
        if lines and abs(run.y - lines[-1].y) <= tolerance:
            lines[-1].runs.append(run)
        else:
            lines.append(Line(run.y, [run]))
    for line in lines:
        line.runs.sort(key=lambda r: r.x0)
    return lines


@dataclass
class OfdPackage:
    custom_datas: dict[str, str] = field(default_factory=dict)
    custom_tags: Element | None = None
    pages: list[list[TextRun]] = field(default_factory=list)  # in page order, template first
    runs_by_id: dict[str, TextRun] = field(default_factory=dict)
    documents: int = 0


def _xml(zf: SafeZip, name: str) -> Element | None:
    data = zf.get(name)
    if data is None:
        return None
    try:
        return parse_xml(data)
    except ReadError as exc:
        if exc.code == "unsafe_file":
            raise
        return None


def _resolve(base_dir: str, loc: str) -> str:
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return normalize_name(loc)
    return normalize_name(posixpath.join(base_dir, loc))


def _find_loc(zf: SafeZip, base_dir: str, loc: str) -> str | None:
    """The archive path of a declared location: relative to base_dir, else to the root."""
    for candidate in (_resolve(base_dir, loc), normalize_name(loc)):
        if zf.has(candidate):
            return candidate
    return None


def _children(el: Element, name: str) -> list[Element]:
    # A cheap suffix test first: local() on every element of a page is measurable.
    suffix = name[1:]
    return [c for c in el.iter() if str(c.tag).lower().endswith(suffix) and local(c.tag) == name]


def _text_of(el: Element, name: str) -> str:
    for c in el.iter():
        if local(c.tag) == name and c.text:
            return c.text.strip()
    return ""


def _floats(text: str | None) -> list[float]:
    out: list[float] = []
    for part in (text or "").split():
        try:
            out.append(float(part))
        except ValueError:
            return []
    return out


def _deltas(text: str | None) -> list[float]:
    """DeltaX with the "g count value" repeat notation expanded."""
    if not text:
        return []
    if "g" not in text:
        try:
            return [float(part) for part in text.split()]
        except ValueError:
            return []
    parts = text.split()
    out: list[float] = []
    i = 0
    try:
        while i < len(parts):
            if parts[i] == "g" and i + 2 < len(parts):
                out.extend([float(parts[i + 2])] * int(parts[i + 1]))
                i += 3
            else:
                out.append(float(parts[i]))
                i += 1
    except ValueError:
        return []
    return out


def page_runs(root: Element, page: int) -> list[TextRun]:
    runs: list[TextRun] = []
    for obj in root.iter():
        if not str(obj.tag).endswith("TextObject"):
            continue
        box = _floats(obj.get("Boundary")) or [0.0, 0.0, 0.0, 0.0]
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        size = float(obj.get("Size") or 3.5)
        x_local = y_local = 0.0
        for code in obj:
            if not str(code.tag).endswith("TextCode"):
                continue
            text = (code.text or "").strip()
            x_local = float(code.get("X") or x_local)
            y_local = float(code.get("Y") or y_local)
            advance = sum(_deltas(code.get("DeltaX"))) + size
            x0 = box[0] + a * x_local + c * y_local + e
            y = box[1] + b * x_local + d * y_local + f
            x1 = x0 + a * advance
            if text:
                runs.append(
                    TextRun(obj.get("ID") or "", text, x0, x1, y, abs(size * d or size), page)
                )
            x_local += advance
    return runs


def open_package(zf: SafeZip) -> OfdPackage:
    pkg = OfdPackage()
    root = _xml(zf, "OFD.xml")
    if root is None:
        raise ReadError("corrupt_file", CORRUPT_MESSAGE)
    for data in _children(root, "customdata"):
        name = (data.get("Name") or "").strip()
        if name and data.text and data.text.strip():
            pkg.custom_datas.setdefault(name, data.text.strip())
    doc_roots = [d.text.strip() for d in _children(root, "docroot") if d.text]
    page_no = 0
    for doc_root in doc_roots[:1]:  # an invoice OFD holds one document
        doc_path = _find_loc(zf, "", doc_root)
        doc = _xml(zf, doc_path) if doc_path else None
        if doc is None:
            continue
        pkg.documents += 1
        doc_dir = posixpath.dirname(doc_path or "")
        templates = {
            t.get("ID") or "": t.get("BaseLoc") or "" for t in _children(doc, "templatepage")
        }
        for page in _children(doc, "page"):
            loc = page.get("BaseLoc")
            path = _find_loc(zf, doc_dir, loc) if loc else None
            content = _xml(zf, path) if path else None
            if content is None:
                continue
            page_no += 1
            runs: list[TextRun] = []
            for tpl in _children(content, "template"):
                tpl_loc = templates.get(tpl.get("TemplateID") or "")
                tpl_path = _find_loc(zf, doc_dir, tpl_loc) if tpl_loc else None
                tpl_root = _xml(zf, tpl_path) if tpl_path else None
                if tpl_root is not None:
                    runs.extend(page_runs(tpl_root, page_no))
            page_text = page_runs(content, page_no)
            runs.extend(page_text)
            pkg.pages.append(runs)
            for run in page_text:
                pkg.runs_by_id.setdefault(run.id, run)
        pkg.custom_tags = _custom_tags(zf, doc, doc_dir)
    return pkg


def _custom_tags(zf: SafeZip, doc: Element, doc_dir: str) -> Element | None:
    index_loc = _text_of(doc, "customtags")
    index_path = _find_loc(zf, doc_dir, index_loc) if index_loc else None
    index = _xml(zf, index_path) if index_path else None
    if index is not None and index_path:
        for loc in _children(index, "fileloc"):
            if loc.text:
                path = _find_loc(zf, posixpath.dirname(index_path), loc.text)
                tags = _xml(zf, path) if path else None
                if tags is not None:
                    return tags
    fallback = _find_loc(zf, doc_dir, "Tags/CustomTag.xml")
    return _xml(zf, fallback) if fallback else None
