"""What a browser does with our pages, for the load run and the drills: read forms (with their CSRF token), find
links, sign in. Standard library HTML parsing; the HTTP session is any `requests.Session` (locust's HttpSession
is one)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

LOGIN_PATH = "/dang-nhap/"
LOGIN_FORM_MARK = 'name="password"'
STALE_TEXT = "vừa được người khác cập nhật"
BUSY_TEXT = "Dịch vụ tạo văn bản đang bận"
READY_TEXT = "Tệp PDF đã sẵn sàng"
SERVER_ERROR_TEXT = "Lỗi máy chủ"


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return next((value for key, value in self.fields if key == name), default)

    def data(self, **changes: str) -> list[tuple[str, str]]:
        """The fields as the browser would send them, with `changes` replacing (or adding) single values."""
        rows = [(key, value) for key, value in self.fields if key not in changes]
        return rows + list(changes.items())


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {key: (value or "") for key, value in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self._form.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The browser drops the one newline that follows <textarea>.
            self._form.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> Form | None:
    """The first POST form of the page that has a field called `field_name`."""
    return next((f for f in forms(html) if f.method == "post" and any(k == field_name for k, _ in f.fields)), None)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def links(html: str, pattern: str) -> list[str]:
    """Distinct hrefs matching `pattern` (a regular expression over the whole href), in page order."""
    seen: dict[str, None] = {}
    for href in re.findall(r'href="([^"#]+)"', html):
        href = href.replace("&amp;", "&")
        if re.fullmatch(pattern, href):
            seen.setdefault(href, None)
    return list(seen)


def login(session, base: str, username: str, password: str, *, timeout: float = 10, **named) -> bool:
    """Sign in through the login form (GET for the CSRF cookie and token, then POST). True when signed in."""
    page = session.get(base + LOGIN_PATH, timeout=timeout, **named.get("get", {}))
    token = csrf_token(page.text)
    response = session.post(
        base + LOGIN_PATH,
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=timeout,
        **named.get("post", {}),
    )
    return response.status_code == 302 and LOGIN_PATH not in response.headers.get("Location", "")
