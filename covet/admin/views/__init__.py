"""The admin's pages, one module each; ``AdminSite.get_router()`` routes to them."""
