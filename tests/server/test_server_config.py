"""ServerConfig: defaults, the shared COVET_* environment variables, and clear errors for bad values."""

from __future__ import annotations

import pytest

from covet.server.config import ENV_VARIABLES, ServerConfig


def test_defaults() -> None:
    config = ServerConfig()
    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert config.max_header_size == 16 * 1024
    assert config.lifespan == "auto"
    assert config.access_log is True


def test_environment_variables_override_defaults() -> None:
    config = ServerConfig.from_env(
        {
            "COVET_HEADER_TIMEOUT": "1.5",
            "COVET_BODY_TIMEOUT": "2",
            "COVET_KEEPALIVE_TIMEOUT": "3",
            "COVET_MAX_BODY_SIZE": "65536",
            "COVET_MAX_HEADER_SIZE": "8192",
            "COVET_ACCESS_LOG": "false",
            "COVET_MAX_CONNECTIONS": "10",
        }
    )
    assert config.header_timeout == 1.5
    assert config.body_timeout == 2.0
    assert config.keep_alive_timeout == 3.0
    assert config.max_body_size == 65536
    assert config.max_header_size == 8192
    assert config.access_log is False
    assert config.max_connections == 10


def test_explicit_overrides_beat_the_environment() -> None:
    config = ServerConfig.from_env({"COVET_HEADER_TIMEOUT": "1"}, header_timeout=4.0, port=0)
    assert config.header_timeout == 4.0
    assert config.port == 0


def test_the_shared_variable_names_are_stable() -> None:
    shared = {"COVET_HEADER_TIMEOUT", "COVET_KEEPALIVE_TIMEOUT", "COVET_MAX_BODY_SIZE", "COVET_MAX_HEADER_SIZE"}
    assert shared | {"COVET_BODY_TIMEOUT"} <= set(ENV_VARIABLES)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"COVET_HEADER_TIMEOUT": "soon"}, "COVET_HEADER_TIMEOUT='soon' is not valid: expected a number of seconds"),
        ({"COVET_MAX_BODY_SIZE": "1.5"}, "COVET_MAX_BODY_SIZE='1.5' is not valid: expected a whole number of bytes"),
        ({"COVET_ACCESS_LOG": "maybe"}, "COVET_ACCESS_LOG='maybe' is not valid: expected true or false"),
        ({"COVET_MAX_CONNECTIONS": "lots"}, "COVET_MAX_CONNECTIONS='lots' is not valid: expected a whole number "),
        ({"COVET_MAX_HEADER_SIZE": "0"}, "max_header_size must be greater than zero, got 0"),
    ],
)
def test_bad_environment_values_say_what_is_expected(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(".", r"\.")):
        ServerConfig.from_env(environ)


def test_invalid_values_are_rejected() -> None:
    with pytest.raises(ValueError, match="port must be between 0 and 65535"):
        ServerConfig(port=70000)
    with pytest.raises(ValueError, match="lifespan must be 'auto', 'on' or 'off'"):
        ServerConfig(lifespan="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="keep_alive_timeout must be greater than zero"):
        ServerConfig(keep_alive_timeout=0)
