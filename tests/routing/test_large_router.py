"""A 1000-route router: every route is found with the right parameters, reverses back, and near-misses are 404s."""

import random
import uuid

import pytest

from covet.routing import MatchStatus, Router

RESOURCES = [f"res{n}" for n in range(200)]


async def view(request, **params):
    return params


def build(count: int) -> tuple[Router, list[tuple[str, str, dict]]]:
    """Routes of five shapes over distinct resources; returns (router, [(name, concrete path, params)])."""
    rng = random.Random(1234)
    router = Router()
    cases: list[tuple[str, str, dict]] = []
    for n in range(count):
        resource = RESOURCES[n % len(RESOURCES)]
        shape = n // len(RESOURCES)
        name = f"r{n}"
        if shape == 0:
            router.add_route(f"/api/{resource}/", view, name=name)
            cases.append((name, f"/api/{resource}/", {}))
        elif shape == 1:
            router.add_route(f"/api/{resource}/{{id:int}}", view, name=name)
            value = rng.randrange(10**6)
            cases.append((name, f"/api/{resource}/{value}", {"id": value}))
        elif shape == 2:
            router.add_route(
                f"/api/{resource}/{{id:int}}/items/{{slug:slug}}", view, methods=["GET", "POST"], name=name
            )
            value = rng.randrange(1000)
            cases.append((name, f"/api/{resource}/{value}/items/item-{value}", {"id": value, "slug": f"item-{value}"}))
        elif shape == 3:
            router.add_route(f"/{resource}/by-key/{{key:uuid}}", view, name=name)
            key = uuid.UUID(int=rng.getrandbits(128))
            cases.append((name, f"/{resource}/by-key/{key}", {"key": key}))
        else:
            router.add_route(f"/static/{resource}/{{rest:path}}", view, name=name)
            cases.append((name, f"/static/{resource}/css/site {n}.css", {"rest": f"css/site {n}.css"}))
    return router, cases


@pytest.fixture(scope="module")
def large() -> tuple[Router, list[tuple[str, str, dict]]]:
    return build(1000)


def test_every_route_matches_with_its_params(large) -> None:
    router, cases = large
    assert len(router.routes) == 1000
    for name, path, params in cases:
        encoded = path.replace(" ", "%20")
        match = router.match("GET", encoded)
        assert match.found, path
        assert match.route.name == name  # type: ignore[union-attr]
        assert match.params == params


def test_every_route_reverses_to_its_path(large) -> None:
    router, cases = large
    for name, path, params in cases:
        assert router.reverse(name, **params) == path.replace(" ", "%20")


def test_near_misses_are_not_found(large) -> None:
    router, cases = large
    for index, (_, path, _) in enumerate(cases[::7]):
        misses = ["/zzz" + path, "/api/unknown-resource/1", path.replace("/res", "/ref", 1)]
        if index * 7 < 800:  # routes ending in a path converter accept extra segments by design
            misses.append(path + "/extra")
        for miss in misses:
            assert router.match("GET", miss.replace(" ", "%20")).status is MatchStatus.NOT_FOUND, miss


def test_method_outcomes_at_scale(large) -> None:
    router, cases = large
    _, path, _ = cases[450]  # shape 2: GET and POST
    assert router.match("POST", path).found
    assert router.match("DELETE", path).allowed_methods == ("GET", "HEAD", "OPTIONS", "POST")
    assert router.match("GET", cases[3][1].rstrip("/")).redirect_to == cases[3][1]
