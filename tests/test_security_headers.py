import re

from django.urls import reverse


def test_pages_send_a_strict_content_security_policy_and_have_no_inline_script(client, world):
    client.force_login(world.users["tenant_admin"])
    for url in (reverse("home"), reverse("tree"), reverse("organization_detail", args=[world.commune.pk])):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"
        assert ' style="' not in html


def test_login_page_is_vietnamese_and_has_csrf(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html and "csrfmiddlewaretoken" in html
