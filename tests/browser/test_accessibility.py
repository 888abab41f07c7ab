"""axe-core in a real browser: no serious or critical accessibility violation on the
pages readers use most."""

from pathlib import Path

import pytest

from archive.models import Article

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _axe_source() -> str:
    import axe_playwright_python  # ships axe-core's axe.min.js

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def main_pages() -> list[str]:
    story = Article.objects.published().get(headline__startswith="柯城")
    return [
        "/",
        "/stories/",
        "/stories/?q=柯城",
        "/regions/",
        "/regions/quzhou/",
        "/regions/kecheng/",
        "/sections/",
        f"/sections/{story.section.slug}/",
        "/contributors/",
        "/contributors/?q=xu",
        "/contributors/?letter=ab",  # a form error
        story.get_absolute_url(),
        f"/editions/{story.edition_date:%Y-%m-%d}/",
        "/editions/",
        f"/editions/{story.edition_date:%Y-%m}/",
        # The page image with its story areas (drawn by the demo where a CJK font is
        # installed, the page's story list alone elsewhere), one story's areas marked.
        f"/editions/{story.edition_date:%Y-%m-%d}/{story.page_number}/",
        f"/editions/{story.edition_date:%Y-%m-%d}/{story.page_number}/?area={story.pk}",
    ]


def test_main_pages_satisfy_their_csp_and_have_no_serious_accessibility_violations(
    live_server, page, archive
):
    axe = _axe_source()
    found = {}
    # The pages satisfy their own Content-Security-Policy: the browser reports nothing
    # it had to block (axe itself is added by the test, through the DevTools protocol).
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    for path in main_pages():
        response = page.goto(live_server.url + path)
        assert response.ok, (path, response.status, page.inner_text("main"))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert not blocked, (path, blocked)
        page.evaluate(axe)  # as page code would be blocked by the policy; evaluate is not
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[path] = serious
    assert not found, found
