"""Tests of the blog's views, through covet's `client` fixture (a TestClient on the whole site)."""


def test_index_lists_the_posts(client):
    response = client.get("/blog/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Hello, Covet" in response.text
    assert "Routes and views" in response.text


def test_post_list_is_json(client):
    response = client.get("/blog/api/posts")
    assert response.status_code == 200
    assert response.json() == [{"id": 1, "title": "Hello, Covet"}, {"id": 2, "title": "Routes and views"}]


def test_post_detail(client):
    response = client.get("/blog/api/posts/2")
    assert response.status_code == 200
    assert response.json()["title"] == "Routes and views"


def test_unknown_post_is_404(client):
    assert client.get("/blog/api/posts/999").status_code == 404


def test_non_numeric_post_id_is_404(client):
    assert client.get("/blog/api/posts/abc").status_code == 404
