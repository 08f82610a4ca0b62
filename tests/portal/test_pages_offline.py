"""Every portal page loads its assets from this server, so it works with no internet access."""

import re

import pytest

ASSET = re.compile(r'(?:src|href)="([^"]+)"')
PUBLIC_PAGES = ["/portal/login", "/portal/signup", "/portal/reset", "/portal/verify/unknown"]
ACCOUNT_PAGES = ["/portal/", "/portal/api", "/portal/clients", "/portal/clients/new",
                 "/portal/credits", "/portal/audit", "/portal/sandbox"]


def assets_of(html: str) -> list[str]:
    return ASSET.findall(html)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_link_only_to_this_server(browser, path):
    for url in assets_of(browser.get(path).text):
        assert url.startswith("/"), url


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_account_pages_link_only_to_this_server(browser, account, path):
    for url in assets_of(browser.get(path).text):
        assert url.startswith("/"), url


def test_stylesheet_is_served(browser):
    response = browser.get("/portal/static/portal.css")
    assert response.status_code == 200
    assert "@import" not in response.text
    assert "url(http" not in response.text


def test_pages_forbid_other_origins(browser):
    policy = browser.get("/portal/login").headers["content-security-policy"]
    assert "default-src 'self'" in policy


def test_api_reference_is_linked(browser, account):
    assert 'href="/apidocs/index.html"' in browser.get("/portal/").text


def test_api_reference_is_served_locally(browser):
    page = browser.get("/apidocs/index.html")
    assert page.status_code == 200
    for url in assets_of(page.text):
        assert url.startswith("/"), url


def test_unknown_portal_page_is_an_html_404(browser):
    response = browser.get("/portal/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
