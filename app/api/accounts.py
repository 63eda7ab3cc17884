"""GET /api/v1/me: who the API thinks the caller is (handy to check a token)."""
from flask import jsonify
from flask_login import current_user

from app.api import bp
from app.api.common import documented
from app.permissions import login_required

_ME = {"type": "object", "properties": {
    "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
    "role": {"type": "string", "enum": ["officer", "manager", "donor", "admin"]},
    "donor": {"type": "object", "nullable": True,
              "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
}}


@bp.get("/me")
@login_required
@documented("The calling account: email, role and, for a donor account, its donor.", response=_ME)
def me():
    user = current_user
    donor = user.donor
    return jsonify({"id": user.id, "email": user.email, "name": user.name, "role": user.role,
                    "donor": {"id": donor.id, "name": donor.name} if donor is not None else None})
