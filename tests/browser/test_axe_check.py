"""The accessibility check itself must be able to fail, or its passes would mean nothing."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def test_axe_reports_a_page_with_known_violations(browser):
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "image-alt" in str(failure.value)
    assert "html-has-lang" in str(failure.value)
    page.close()
