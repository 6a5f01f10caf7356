"""Session storage backends: ``signed_cookie``, ``cache`` and ``db`` (chosen by ``SESSION_ENGINE``)."""
