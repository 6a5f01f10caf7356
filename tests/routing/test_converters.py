"""Path converters: built-ins, custom registration and their errors."""

import uuid

import pytest

from covet.exceptions import ImproperlyConfigured
from covet.routing import Converter, Router, get_converter, register_converter
from covet.routing.converters import _registry


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("int", "42", 42),
        ("int", "007", 7),
        ("str", "hello world", "hello world"),
        ("slug", "my-post_2", "my-post_2"),
        ("uuid", "12345678-1234-5678-1234-567812345678", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("path", "a/b/c.txt", "a/b/c.txt"),
    ],
)
def test_builtin_converters_convert(name: str, text: str, value: object) -> None:
    assert get_converter(name).convert(text) == value


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("int", "-1"),
        ("int", "4.2"),
        ("int", "١٢"),  # Arabic-Indic digits are digits to str.isdigit(), not to URLs
        ("int", ""),
        ("str", ""),
        ("slug", "not a slug"),
        ("uuid", "12345678123456781234567812345678"),
        ("uuid", "not-a-uuid"),
        ("path", ""),
    ],
)
def test_builtin_converters_reject(name: str, text: str) -> None:
    with pytest.raises(ValueError):
        get_converter(name).convert(text)


def test_to_url_round_trips() -> None:
    u = uuid.uuid4()
    assert get_converter("uuid").to_url(u) == str(u)
    assert get_converter("int").to_url(5) == "5"
    with pytest.raises(ValueError):
        get_converter("int").to_url(True)


class YearConverter(Converter):
    name = "year"
    regex = r"[0-9]{4}"

    def convert(self, value: str) -> int:
        return int(super().convert(value))

    def to_url(self, value: object) -> str:
        return f"{value:04d}"


@pytest.fixture
def year_converter():
    register_converter(YearConverter)
    yield
    del _registry["year"]


@pytest.mark.usefixtures("year_converter")
def test_custom_converter_in_routes_and_reverse() -> None:
    router = Router()

    @router.get("/archive/{year:year}", name="archive")
    async def archive(request, year):
        return year

    match = router.match("GET", "/archive/2024")
    assert match.found and match.params == {"year": 2024}
    assert not router.match("GET", "/archive/24").found
    assert router.reverse("archive", year=999) == "/archive/0999"


@pytest.mark.usefixtures("year_converter")
def test_registering_a_taken_name_fails_and_keeps_the_old_one() -> None:
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register_converter(YearConverter)
    assert isinstance(get_converter("year"), YearConverter)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register_converter(YearConverter, "int")
    assert get_converter("int").convert("12") == 12


def test_register_rejects_non_converters_and_bad_names() -> None:
    with pytest.raises(ImproperlyConfigured, match="Converter subclass"):
        register_converter(int)  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="identifier"):
        register_converter(YearConverter, "bad-name")
    assert "bad-name" not in _registry


def test_unknown_converter_lists_known_ones() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Unknown path converter 'nope'\. Known converters: int, path"):
        get_converter("nope")
