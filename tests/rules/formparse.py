"""What a browser would submit for a form in a rendered page (inputs, selects, textareas)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.disabled_depth = 0
        self.fields: list[tuple[str, str]] = []
        self.select: dict[str, object] | None = None
        self.option: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and "name" in a and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and "disabled" not in a:
            self.select = {"name": a.get("name", ""), "options": [], "selected": None}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option["text"] = str(self.option["text"]) + data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "option" and self.select is not None and self.option is not None:
            value = self.option["value"]
            self.select["options"].append(  # type: ignore[attr-defined]
                (value if value is not None else self.option["text"], self.option["selected"])
            )
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [v for v, s in options if s] or [v for v, _ in options[:1]]  # type: ignore[attr-defined]
            if chosen and self.select["name"]:
                self.fields.append((str(self.select["name"]), str(chosen[-1])))
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the form ``form_id`` would submit as it is rendered."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields
