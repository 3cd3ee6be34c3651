"""`smlkit workshop --hub` and `--base-url`: options checked with clear messages; the Hub's identity in kernels."""

from __future__ import annotations

import pytest

from smlkit.access import hub
from smlkit.access.visitor import current_visitor
from smlkit.cli import main as cli
from smlkit.errors import ConfigError

HUB_ENV = {
    "JUPYTERHUB_USER": "alice",
    "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/",
    "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:41234/user/alice/",
    "JUPYTERHUB_API_TOKEN": "not-a-real-token",
    "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
    "SMLKIT_DB": "postgresql://smlkit@db.example/room",
}


def options(argv: list[str], env: dict[str, str] | None = None):
    return cli.workshop_options(cli.build_parser().parse_args(["workshop", *argv]), env or {})


@pytest.mark.parametrize(
    ("given", "expected"),
    [("/sml", "/sml/"), ("/sml/", "/sml/"), ("/user/alice", "/user/alice/"), ("/", "/"), (" /a/b ", "/a/b/")],
)
def test_base_url_is_a_path_ending_in_a_slash(given, expected, tmp_path, monkeypatch):
    monkeypatch.setenv("SMLKIT_HOME", str(tmp_path))
    assert options(["--base-url", given, "--db", str(tmp_path / "x.sqlite")]).base_url == expected


def test_base_url_defaults_to_the_root(tmp_path, monkeypatch):
    monkeypatch.setenv("SMLKIT_HOME", str(tmp_path))
    found = options(["--db", str(tmp_path / "x.sqlite")])
    assert (found.base_url, found.hub) == ("/", None)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("sml", "must be a path that starts with '/'"),
        ("//evil.example/", "must be a path that starts with '/'"),
        ("http://evil.example/", "must be a path that starts with '/'"),
        ("/a b/", "must be a plain path"),
        ("/a/../b/", "must be a plain path"),
        ("/a?next=x", "must be a plain path"),
        ('/a"><script>', "must be a plain path"),
    ],
)
def test_bad_base_url_exits_2_with_a_clear_message(given, message, capsys):
    assert cli.main(["workshop", "--base-url", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith("smlkit: ") and message in err and "Traceback" not in err


def test_hub_mode_takes_address_prefix_and_owner_from_jupyterhub():
    found = options(["--hub"], HUB_ENV)
    assert (found.host, found.port, found.base_url) == ("127.0.0.1", 41234, "/user/alice/")
    assert found.hub == hub.HubServer("alice", "127.0.0.1", 41234, "/user/alice/", is_facilitator=False)
    assert found.db_url == "postgresql+psycopg://smlkit@db.example/room"
    assert found.facilitator_key == "" and found.token is None


def test_hub_admin_flag_makes_the_facilitator():
    assert options(["--hub"], {**HUB_ENV, "SMLKIT_FACILITATOR": "1"}).hub.is_facilitator
    for value in ("0", "", "no", "admin"):
        assert not options(["--hub"], {**HUB_ENV, "SMLKIT_FACILITATOR": value}).hub.is_facilitator


def test_hub_mode_listens_where_kubernetes_asks():
    env = {**HUB_ENV, "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/alice/"}
    found = options(["--hub"], env)
    assert (found.host, found.port) == ("0.0.0.0", 8888)
    assert options(["--hub"], {**env, "JUPYTERHUB_SERVICE_URL": "http://localhost:9000/"}).host == "127.0.0.1"


def test_hub_mode_db_option_wins_over_the_environment():
    assert options(["--hub", "--db", "postgresql://other/db"], HUB_ENV).db_url == "postgresql+psycopg://other/db"


def test_matching_base_url_is_accepted_under_the_hub():
    assert options(["--hub", "--base-url", "/user/alice"], HUB_ENV).base_url == "/user/alice/"


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--hub"], {}, "--hub is for a server started by JupyterHub, which sets JUPYTERHUB_USER"),
        (["--hub"], {**HUB_ENV, "JUPYTERHUB_API_TOKEN": " "}, "which sets JUPYTERHUB_API_TOKEN"),
        (["--hub", "--port", "9000"], HUB_ENV, "JupyterHub chooses the address"),
        (["--hub", "--host", "0.0.0.0", "--port", "9000"], HUB_ENV, "leave out --host and --port"),
        (["--hub", "--facilitator-key", "a-long-key-123"], HUB_ENV, "the Hub's admins are the facilitators"),
        (["--hub", "--base-url", "/user/bob/"], HUB_ENV, "does not match the prefix JupyterHub gave"),
        (["--hub"], {k: v for k, v in HUB_ENV.items() if k != "SMLKIT_DB"}, "must share one database"),
        (["--hub"], {**HUB_ENV, "JUPYTERHUB_SERVICE_URL": "http://my host:1/"}, "cannot listen on"),
        (["--hub"], {**HUB_ENV, "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:99999/"}, "port that is not valid"),
        (["--hub"], {**HUB_ENV, "JUPYTERHUB_SERVICE_PREFIX": "user/alice"}, "starts with '/'"),
    ],
)
def test_hub_mode_refuses_what_it_cannot_honour(argv, env, message):
    with pytest.raises(ConfigError) as caught:
        options(argv, env)
    assert message in caught.value.message


def test_hub_mode_outside_jupyterhub_exits_2_clearly(capsys, monkeypatch):
    for name in hub.REQUIRED_ENV:
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["workshop", "--hub"]) == 2
    err = capsys.readouterr().err
    assert "--hub is for a server started by JupyterHub" in err and "Traceback" not in err


def test_under_the_hub_retention_runs_only_when_the_hub_asks():
    def days(argv, env):
        args = cli.build_parser().parse_args(["workshop", *argv])
        return cli.retention_days(args, cli.workshop_options(args, env))

    assert days(["--hub"], HUB_ENV) == 0
    assert days(["--hub", "--retention-days", "30"], HUB_ENV) == 30
    assert days(["--db", "sqlite:///x.sqlite"], {}) == cli.DEFAULT_RETENTION_DAYS


def test_help_lists_the_hub_options(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["workshop", "--help"])
    out = capsys.readouterr().out
    assert "--hub" in out and "--base-url" in out


def test_under_the_hub_the_visitor_is_the_hub_user(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv(hub.HUB_USER_ENV, "alice")
    monkeypatch.setenv(hub.FACILITATOR_ENV, "0")
    monkeypatch.setenv("HTTP_COOKIE", "smlkit_participant=someone-elses-token")
    visitor = current_visitor()
    assert (visitor.token, visitor.is_facilitator) == ("jupyterhub-user:alice", False)
    monkeypatch.setenv(hub.FACILITATOR_ENV, "1")
    assert current_visitor().is_facilitator


def test_on_its_own_the_visitor_still_comes_from_cookies(monkeypatch):
    """JupyterHub's variables or a stray admin flag change nothing for a standalone workshop."""
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv(hub.HUB_USER_ENV, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv(hub.FACILITATOR_ENV, "1")
    monkeypatch.setenv("HTTP_COOKIE", "smlkit_participant=my-browser-token")
    visitor = current_visitor()
    assert (visitor.token, visitor.is_facilitator, visitor.from_browser) == ("my-browser-token", False, True)


def test_a_standalone_server_clears_hub_identity_for_its_kernels(tmp_path, monkeypatch):
    from smlkit.serve.server import WorkshopOptions, build_app

    for name in ("SMLKIT_DB", "SMLKIT_FACILITATOR_KEY", "JUPYTER_PATH"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv(hub.HUB_USER_ENV, "mallory")
    monkeypatch.setenv(hub.FACILITATOR_ENV, "1")
    build_app(WorkshopOptions("127.0.0.1", 1, f"sqlite:///{tmp_path / 'x.sqlite'}", "a-key-for-tests"))
    import os

    assert hub.HUB_USER_ENV not in os.environ and hub.FACILITATOR_ENV not in os.environ
