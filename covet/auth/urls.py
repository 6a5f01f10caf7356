"""Routes of the account views: ``include("covet.auth.urls", prefix="/accounts")``.

Names (namespace ``auth``): ``auth:login``, ``auth:logout``, ``auth:signup``, ``auth:token``,
``auth:token_refresh``, ``auth:token_revoke``.
"""

from __future__ import annotations

from covet.auth import views
from covet.routing import Router, include

router = Router()
router.add_route("/login", views.login_page, methods=["GET"], name="login")
router.add_route("/login", views.login_submit, methods=["POST"], name="login_submit")
router.add_route("/logout", views.logout_submit, methods=["POST"], name="logout")
router.add_route("/signup", views.signup_page, methods=["GET"], name="signup")
router.add_route("/signup", views.signup_submit, methods=["POST"], name="signup_submit")
router.add_route("/token", views.token_obtain, methods=["POST"], name="token")
router.add_route("/token/refresh", views.token_refresh, methods=["POST"], name="token_refresh")
router.add_route("/token/revoke", views.token_revoke, methods=["POST"], name="token_revoke")

urlpatterns = [include(router, namespace="auth")]
