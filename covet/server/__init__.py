"""Covet's servers: the pure-Python h11 dev server (``covet.server.dev``) and the production launcher.

Import what you need from the submodules (``covet.server.dev.run``,
``covet.server.config.ServerConfig``); this package imports nothing on its own
so that ``python -m covet.server.dev`` starts fast.
"""
