"""Tests of the blog's model against the test database (built by the migrations, see conftest.py)."""

import itertools

from covet.auth.models import User

from blog.models import Post

_numbers = itertools.count()


async def make_author():
    name = f"author{next(_numbers)}"
    return await User.objects.create_user(name, f"{name}@example.com", "tangerine-orbit-Vessel-91")


async def test_a_post_is_saved_with_its_author():
    author = await make_author()
    post = await Post.objects.create(title="Saved", body="Stored in the test database.", author=author)
    stored = await Post.objects.select_related("author").get(id=post.id)
    assert stored.title == "Saved" and stored.author.username == author.username
    assert stored.published is False and stored.created is not None


async def test_filtering_published_posts():
    author = await make_author()
    for title, published in [("Draft", False), ("First", True), ("Second", True)]:
        await Post.objects.create(title=title, body="...", author=author, published=published)
    titles = [post.title async for post in Post.objects.filter(author=author, published=True).order_by("title")]
    assert titles == ["First", "Second"]
    assert await Post.objects.filter(author=author).count() == 3
