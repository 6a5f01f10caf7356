"""Tests of the blog's views, through covet's `client` fixtures (a TestClient on the whole site), against the
test database built by the migrations (see conftest.py). Each test deletes the posts first, so it sees only its own."""

import itertools

from covet.auth.models import User

from blog.models import Post

_numbers = itertools.count()


async def make_posts(*posts):
    """Create posts from (title, published) pairs, oldest first, all by one new author; return them."""
    await Post.objects.all().delete()
    name = f"writer{next(_numbers)}"
    author = await User.objects.create_user(name, f"{name}@example.com", "tangerine-orbit-Vessel-91")
    return [
        await Post.objects.create(title=title, body=f"The body of {title}.", author=author, published=published)
        for title, published in posts
    ]


async def test_index_lists_the_published_posts_newest_first(async_client):
    await make_posts(("Older", True), ("A draft", False), ("Newer", True))
    response = await async_client.get("/blog/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.index("Newer") < response.text.index("Older")
    assert "The body of Newer." in response.text and "By writer" in response.text
    assert "A draft" not in response.text


async def test_index_without_posts_points_to_the_admin(async_client):
    await Post.objects.all().delete()
    response = await async_client.get("/blog/")
    assert response.status_code == 200
    assert "No posts yet" in response.text and 'href="/admin/"' in response.text


async def test_post_list_is_json(async_client):
    older, _, newer = await make_posts(("Older", True), ("A draft", False), ("Newer", True))
    response = await async_client.get("/blog/api/posts")
    assert response.status_code == 200
    assert response.json() == [{"id": newer.id, "title": "Newer"}, {"id": older.id, "title": "Older"}]


async def test_post_list_without_posts_is_empty(async_client):
    await Post.objects.all().delete()
    assert (await async_client.get("/blog/api/posts")).json() == []


async def test_post_detail(async_client):
    (post,) = await make_posts(("Shown", True))
    response = await async_client.get(f"/blog/api/posts/{post.id}")
    assert response.status_code == 200
    assert response.json()["title"] == "Shown" and response.json()["body"] == "The body of Shown."


async def test_a_draft_or_unknown_post_is_404(async_client):
    (draft,) = await make_posts(("Draft", False))
    assert (await async_client.get(f"/blog/api/posts/{draft.id}")).status_code == 404
    assert (await async_client.get("/blog/api/posts/999999")).status_code == 404


def test_non_numeric_post_id_is_404(client):
    assert client.get("/blog/api/posts/abc").status_code == 404
