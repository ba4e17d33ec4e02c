"""Links to renamed pages are rewritten, every other byte is kept."""

from __future__ import annotations

from locpipe.pagelinks import LinkCount, rewrite_links

RENAMED = {"indice.htm": "indice.html", "guida/a.htm": "guida/a.html", "b c.htm": "b c.html"}


def test_only_links_to_renamed_pages_change_with_query_and_fragment_kept():
    page = (
        "<p><a href='../indice.htm?lang=it&amp;x=1#top'>I</a> "
        '<A HREF="a.htm">A</A> <a href=a.html>same</a> <a href="#here">here</a> '
        '<a href="https://example.org/indice.htm">out</a> <a href="/indice.htm">root</a>'
        '<link rel="next" href="../b%20c.htm"><area href="./a.htm#x"></p>'
    )
    count = LinkCount()
    out = rewrite_links(page, "guida/x.htm", RENAMED, count)
    assert out == (
        "<p><a href='../indice.html?lang=it&amp;x=1#top'>I</a> "
        '<A HREF="a.html">A</A> <a href=a.html>same</a> <a href="#here">here</a> '
        '<a href="https://example.org/indice.htm">out</a> <a href="/indice.htm">root</a>'
        '<link rel="next" href="../b%20c.html"><area href="a.html#x"></p>'
    )
    assert (count.rewritten, count.left) == (4, 1)


def test_a_page_without_links_to_renamed_pages_is_unchanged():
    page = '<a href="ch02.it.html#s1">x</a><img src="a.htm">'
    assert rewrite_links(page, "ch01.it.html", RENAMED) == page
