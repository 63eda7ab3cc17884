"""Error pages say what happened and leak nothing: no traceback, no SQL, no file path."""
import pytest

from app import create_app


@pytest.fixture()
def broken_app():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals: SELECT password_hash FROM users at /work/main/app/views.py")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    return app


def test_unexpected_error_is_a_plain_500_page(broken_app):
    response = broken_app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Nothing was saved" in body
    assert "secret" not in body and "Traceback" not in body and "/work/" not in body


def test_unexpected_api_error_is_json(broken_app):
    response = broken_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "secret" not in response.get_data(as_text=True)


def test_unknown_page_is_404_and_unknown_api_path_is_json(client):
    assert client.get("/no/such/page").status_code == 404
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_production_refuses_a_weak_secret_key(monkeypatch):
    monkeypatch.setenv("PALERMO_ENV", "production")
    from config import ProductionConfig
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
