"""The blog's views: an HTML index and a small JSON API, mounted under /blog by the root URL conf.
Posts are written in the admin at /admin/ (or from code); only published ones are shown."""

from covet.routing import Router
from covet.templates import render

from .models import Post

router = Router()


def published_posts():
    """The newest published posts first, with their authors loaded in the same query."""
    return Post.objects.filter(published=True).select_related("author").order_by("-created")


@router.get("/", name="blog_index")
async def index(request):
    posts = await published_posts()[:20]
    return render(request, "blog/index.html", {"posts": posts})


@router.get("/api/posts", name="blog_posts")
async def post_list(request):
    return [{"id": post.id, "title": post.title} for post in await published_posts()[:20]]


@router.get("/api/posts/{id:int}", name="blog_post")
async def post_detail(request, id: int):
    post = await Post.objects.get_or_404(id=id, published=True)
    return {"id": post.id, "title": post.title, "body": post.body, "created": post.created.isoformat()}
