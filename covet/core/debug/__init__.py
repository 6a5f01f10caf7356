"""DEBUG error pages: the technical 500 page (traceback, locals, request, settings) and the 404 page."""
