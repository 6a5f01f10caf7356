"""The blog's views: an HTML index and a small JSON API, mounted under /blog by the root URL conf."""

from covet.exceptions import Http404
from covet.routing import Router
from covet.templates import render

router = Router()

# Example content until the blog has a model of its own.
POSTS = [
    {"id": 1, "title": "Hello, Covet", "body": "The first post of this blog."},
    {"id": 2, "title": "Routes and views", "body": "Each view is an async function registered on a router."},
]


@router.get("/", name="blog_index")
async def index(request):
    return render(request, "blog/index.html", {"posts": POSTS})


@router.get("/api/posts", name="blog_posts")
async def post_list(request):
    return [{"id": post["id"], "title": post["title"]} for post in POSTS]


@router.get("/api/posts/{id:int}", name="blog_post")
async def post_detail(request, id: int):
    for post in POSTS:
        if post["id"] == id:
            return post
    raise Http404(f"No post with id {id}.")
